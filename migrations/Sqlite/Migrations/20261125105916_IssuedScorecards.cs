using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class IssuedScorecards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IssuedScorecards",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AssessmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    VerificationCode = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    PdfSha256 = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    PdfBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Content = table.Column<string>(type: "TEXT", nullable: false),
                    FrameworkName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FrameworkVersionLabel = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Rag = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    OverallPercent = table.Column<decimal>(type: "TEXT", precision: 5, scale: 1, nullable: false),
                    AssessmentStatus = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    IssuedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IssuedByUserId = table.Column<int>(type: "INTEGER", nullable: false),
                    IssuedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IssuedScorecards", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IssuedScorecards_Assessments_AssessmentId",
                        column: x => x.AssessmentId,
                        principalTable: "Assessments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IssuedScorecards_AssessmentId",
                table: "IssuedScorecards",
                column: "AssessmentId");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedScorecards_PdfSha256",
                table: "IssuedScorecards",
                column: "PdfSha256",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IssuedScorecards_VerificationCode",
                table: "IssuedScorecards",
                column: "VerificationCode",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IssuedScorecards");
        }
    }
}
