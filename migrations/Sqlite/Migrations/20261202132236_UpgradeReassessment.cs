using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class UpgradeReassessment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "CarriedFromAssessmentId",
                table: "ReviewDecisions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CarriedFromAssessmentId",
                table: "RequirementResponses",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CarriedFromSignedOffAt",
                table: "RequirementResponses",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReopenedReason",
                table: "RequirementResponses",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CarriedFromAssessmentId",
                table: "EvidenceItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CarriedForwardAt",
                table: "Assessments",
                type: "TEXT",
                nullable: true);

            // SQLite adds a column with its foreign key in place (the default is NULL); EF's AddForeignKey would rebuild the
            // table outside the migration's transaction, which a killed process would leave half done.
            migrationBuilder.Sql(
                "ALTER TABLE \"Assessments\" ADD COLUMN \"ReassessesAssessmentId\" INTEGER NULL " +
                "CONSTRAINT \"FK_Assessments_Assessments_ReassessesAssessmentId\" REFERENCES \"Assessments\" (\"Id\") ON DELETE RESTRICT;");

            migrationBuilder.CreateIndex(
                name: "IX_Assessments_ReassessesAssessmentId",
                table: "Assessments",
                column: "ReassessesAssessmentId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Assessments_Assessments_ReassessesAssessmentId",
                table: "Assessments");

            migrationBuilder.DropIndex(
                name: "IX_Assessments_ReassessesAssessmentId",
                table: "Assessments");

            migrationBuilder.DropColumn(
                name: "CarriedFromAssessmentId",
                table: "ReviewDecisions");

            migrationBuilder.DropColumn(
                name: "CarriedFromAssessmentId",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "CarriedFromSignedOffAt",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "ReopenedReason",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "CarriedFromAssessmentId",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "CarriedForwardAt",
                table: "Assessments");

            migrationBuilder.DropColumn(
                name: "ReassessesAssessmentId",
                table: "Assessments");
        }
    }
}
