using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.SqlServer.Migrations
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
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CarriedFromAssessmentId",
                table: "RequirementResponses",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CarriedFromSignedOffAt",
                table: "RequirementResponses",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReopenedReason",
                table: "RequirementResponses",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CarriedFromAssessmentId",
                table: "EvidenceItems",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CarriedForwardAt",
                table: "Assessments",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReassessesAssessmentId",
                table: "Assessments",
                type: "int",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Assessments_ReassessesAssessmentId",
                table: "Assessments",
                column: "ReassessesAssessmentId");

            migrationBuilder.AddForeignKey(
                name: "FK_Assessments_Assessments_ReassessesAssessmentId",
                table: "Assessments",
                column: "ReassessesAssessmentId",
                principalTable: "Assessments",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
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
