using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class FollowUpsAndReminderEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ClosureDecidedAt",
                table: "SignOffCondition",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureDecidedBy",
                table: "SignOffCondition",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureLink",
                table: "SignOffCondition",
                type: "nvarchar(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosureMarkedAt",
                table: "SignOffCondition",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureMarkedBy",
                table: "SignOffCondition",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureNote",
                table: "SignOffCondition",
                type: "nvarchar(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureSentBackReason",
                table: "SignOffCondition",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureState",
                table: "SignOffCondition",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Open");

            migrationBuilder.AddColumn<string>(
                name: "OwnerParty",
                table: "SignOffCondition",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Organisation");

            migrationBuilder.AddColumn<int>(
                name: "OwnerUserId",
                table: "SignOffCondition",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosureDecidedAt",
                table: "RequirementResponses",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureDecidedBy",
                table: "RequirementResponses",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureLink",
                table: "RequirementResponses",
                type: "nvarchar(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosureMarkedAt",
                table: "RequirementResponses",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureMarkedBy",
                table: "RequirementResponses",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureNote",
                table: "RequirementResponses",
                type: "nvarchar(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureSentBackReason",
                table: "RequirementResponses",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureState",
                table: "RequirementResponses",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Open");

            migrationBuilder.AddColumn<bool>(
                name: "PlanDueOnContractDate",
                table: "RequirementResponses",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "EventKey",
                table: "Notifications",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_SignOffCondition_OwnerUserId",
                table: "SignOffCondition",
                column: "OwnerUserId");

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_UserId_EventKey",
                table: "Notifications",
                columns: new[] { "UserId", "EventKey" },
                unique: true,
                filter: "[EventKey] IS NOT NULL");

            migrationBuilder.AddForeignKey(
                name: "FK_SignOffCondition_Users_OwnerUserId",
                table: "SignOffCondition",
                column: "OwnerUserId",
                principalTable: "Users",
                principalColumn: "Id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_SignOffCondition_Users_OwnerUserId",
                table: "SignOffCondition");

            migrationBuilder.DropIndex(
                name: "IX_SignOffCondition_OwnerUserId",
                table: "SignOffCondition");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_UserId_EventKey",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "ClosureDecidedAt",
                table: "SignOffCondition");

            migrationBuilder.DropColumn(
                name: "ClosureDecidedBy",
                table: "SignOffCondition");

            migrationBuilder.DropColumn(
                name: "ClosureLink",
                table: "SignOffCondition");

            migrationBuilder.DropColumn(
                name: "ClosureMarkedAt",
                table: "SignOffCondition");

            migrationBuilder.DropColumn(
                name: "ClosureMarkedBy",
                table: "SignOffCondition");

            migrationBuilder.DropColumn(
                name: "ClosureNote",
                table: "SignOffCondition");

            migrationBuilder.DropColumn(
                name: "ClosureSentBackReason",
                table: "SignOffCondition");

            migrationBuilder.DropColumn(
                name: "ClosureState",
                table: "SignOffCondition");

            migrationBuilder.DropColumn(
                name: "OwnerParty",
                table: "SignOffCondition");

            migrationBuilder.DropColumn(
                name: "OwnerUserId",
                table: "SignOffCondition");

            migrationBuilder.DropColumn(
                name: "ClosureDecidedAt",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "ClosureDecidedBy",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "ClosureLink",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "ClosureMarkedAt",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "ClosureMarkedBy",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "ClosureNote",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "ClosureSentBackReason",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "ClosureState",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "PlanDueOnContractDate",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "EventKey",
                table: "Notifications");
        }
    }
}
