using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class OrganisationParents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ConcurrencyStamp",
                table: "NhsOrganisations",
                type: "uniqueidentifier",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            // Guid.Empty is ReadVersion.Nothing ("no version named"): every existing organisation gets a real stamp.
            // EXEC: SQL Server compiles a batch before running it, and the idempotent script adds the column in the same batch.
            migrationBuilder.Sql("EXEC(N'UPDATE [NhsOrganisations] SET [ConcurrencyStamp] = NEWID();');");

            migrationBuilder.AddColumn<int>(
                name: "ParentId",
                table: "NhsOrganisations",
                type: "int",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_NhsOrganisations_ParentId",
                table: "NhsOrganisations",
                column: "ParentId");

            migrationBuilder.AddForeignKey(
                name: "FK_NhsOrganisations_NhsOrganisations_ParentId",
                table: "NhsOrganisations",
                column: "ParentId",
                principalTable: "NhsOrganisations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_NhsOrganisations_NhsOrganisations_ParentId",
                table: "NhsOrganisations");

            migrationBuilder.DropIndex(
                name: "IX_NhsOrganisations_ParentId",
                table: "NhsOrganisations");

            migrationBuilder.DropColumn(
                name: "ConcurrencyStamp",
                table: "NhsOrganisations");

            migrationBuilder.DropColumn(
                name: "ParentId",
                table: "NhsOrganisations");
        }
    }
}
