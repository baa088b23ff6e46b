using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class DashboardScores : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RequirementResponses_AssessmentId",
                table: "RequirementResponses");

            migrationBuilder.DropIndex(
                name: "IX_EvidenceItems_AssessmentId",
                table: "EvidenceItems");

            migrationBuilder.CreateTable(
                name: "AssessmentScores",
                columns: table => new
                {
                    AssessmentId = table.Column<int>(type: "int", nullable: false),
                    Rag = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: true),
                    OverallPercent = table.Column<decimal>(type: "decimal(5,1)", precision: 5, scale: 1, nullable: true),
                    ReviewOn = table.Column<DateOnly>(type: "date", nullable: true),
                    InputsStamp = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    CalculatedFromStamp = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    CalculatedAt = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssessmentScores", x => x.AssessmentId);
                    table.ForeignKey(
                        name: "FK_AssessmentScores_Assessments_AssessmentId",
                        column: x => x.AssessmentId,
                        principalTable: "Assessments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Every existing assessment gets a score row, stale (never calculated), so dashboards work it out once.
            // EXEC: the table is created in the same batch of the idempotent script, which SQL Server compiles before it
            // runs; the data step is compiled only when it runs, once the table exists.
            migrationBuilder.Sql(
                "EXEC(N'INSERT INTO [AssessmentScores] ([AssessmentId], [InputsStamp]) SELECT [Id], ''00000000-0000-0000-0000-000000000000'' FROM [Assessments];');");

            migrationBuilder.CreateIndex(
                name: "IX_RequirementResponses_AssessmentId_Claim_PlannedDate",
                table: "RequirementResponses",
                columns: new[] { "AssessmentId", "Claim", "PlannedDate" });

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceItems_AssessmentId_ValidUntil",
                table: "EvidenceItems",
                columns: new[] { "AssessmentId", "ValidUntil" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AssessmentScores");

            migrationBuilder.DropIndex(
                name: "IX_RequirementResponses_AssessmentId_Claim_PlannedDate",
                table: "RequirementResponses");

            migrationBuilder.DropIndex(
                name: "IX_EvidenceItems_AssessmentId_ValidUntil",
                table: "EvidenceItems");

            migrationBuilder.CreateIndex(
                name: "IX_RequirementResponses_AssessmentId",
                table: "RequirementResponses",
                column: "AssessmentId");

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceItems_AssessmentId",
                table: "EvidenceItems",
                column: "AssessmentId");
        }
    }
}
