using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ScoringWeights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MustWeight",
                table: "PolicyFrameworks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 3);

            migrationBuilder.AddColumn<int>(
                name: "ShouldThresholdPercent",
                table: "PolicyFrameworks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 75);

            migrationBuilder.AddColumn<int>(
                name: "ShouldWeight",
                table: "PolicyFrameworks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MustWeight",
                table: "PolicyFrameworks");

            migrationBuilder.DropColumn(
                name: "ShouldThresholdPercent",
                table: "PolicyFrameworks");

            migrationBuilder.DropColumn(
                name: "ShouldWeight",
                table: "PolicyFrameworks");
        }
    }
}
