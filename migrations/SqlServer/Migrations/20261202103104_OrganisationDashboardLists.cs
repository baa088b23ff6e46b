using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class OrganisationDashboardLists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OrganisationDashboards",
                columns: table => new
                {
                    NhsOrganisationId = table.Column<int>(type: "int", nullable: false),
                    CalculatedFor = table.Column<DateOnly>(type: "date", nullable: false),
                    CalculatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Lists = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrganisationDashboards", x => x.NhsOrganisationId);
                    table.ForeignKey(
                        name: "FK_OrganisationDashboards_NhsOrganisations_NhsOrganisationId",
                        column: x => x.NhsOrganisationId,
                        principalTable: "NhsOrganisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OrganisationDashboards");
        }
    }
}
