using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class WorkerLeaseRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "WorkerLeases",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastFinishedAt",
                table: "WorkerLeases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastResult",
                table: "WorkerLeases",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastRunBy",
                table: "WorkerLeases",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastStartedAt",
                table: "WorkerLeases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastSucceededAt",
                table: "WorkerLeases",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastError",
                table: "WorkerLeases");

            migrationBuilder.DropColumn(
                name: "LastFinishedAt",
                table: "WorkerLeases");

            migrationBuilder.DropColumn(
                name: "LastResult",
                table: "WorkerLeases");

            migrationBuilder.DropColumn(
                name: "LastRunBy",
                table: "WorkerLeases");

            migrationBuilder.DropColumn(
                name: "LastStartedAt",
                table: "WorkerLeases");

            migrationBuilder.DropColumn(
                name: "LastSucceededAt",
                table: "WorkerLeases");
        }
    }
}
