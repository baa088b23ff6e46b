using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureDecidedBy",
                table: "SignOffCondition",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureLink",
                table: "SignOffCondition",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosureMarkedAt",
                table: "SignOffCondition",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureMarkedBy",
                table: "SignOffCondition",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureNote",
                table: "SignOffCondition",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureSentBackReason",
                table: "SignOffCondition",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureState",
                table: "SignOffCondition",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Open");

            migrationBuilder.AddColumn<string>(
                name: "OwnerParty",
                table: "SignOffCondition",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Organisation");

            // SQLite adds a column with its foreign key in place (the default is NULL); EF's AddForeignKey would rebuild the
            // table outside the migration's transaction, which a killed process would leave half done.
            migrationBuilder.Sql(
                "ALTER TABLE \"SignOffCondition\" ADD COLUMN \"OwnerUserId\" INTEGER NULL " +
                "CONSTRAINT \"FK_SignOffCondition_Users_OwnerUserId\" REFERENCES \"Users\" (\"Id\");");

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosureDecidedAt",
                table: "RequirementResponses",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureDecidedBy",
                table: "RequirementResponses",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureLink",
                table: "RequirementResponses",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosureMarkedAt",
                table: "RequirementResponses",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureMarkedBy",
                table: "RequirementResponses",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureNote",
                table: "RequirementResponses",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureSentBackReason",
                table: "RequirementResponses",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosureState",
                table: "RequirementResponses",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Open");

            migrationBuilder.AddColumn<bool>(
                name: "PlanDueOnContractDate",
                table: "RequirementResponses",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "EventKey",
                table: "Notifications",
                type: "TEXT",
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
                unique: true);

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
