using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
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
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            // Guid.Empty is ReadVersion.Nothing ("no version named"): every existing organisation gets a real stamp, in
            // the text form EF reads a Guid from (randomblob is drawn afresh for each row).
            migrationBuilder.Sql("UPDATE \"NhsOrganisations\" SET \"ConcurrencyStamp\" = hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6));");

            // SQLite adds a column with its foreign key in place (the default is NULL); EF's AddForeignKey would rebuild the
            // table outside the migration's transaction, which a killed process would leave half done.
            migrationBuilder.Sql(
                "ALTER TABLE \"NhsOrganisations\" ADD COLUMN \"ParentId\" INTEGER NULL " +
                "CONSTRAINT \"FK_NhsOrganisations_NhsOrganisations_ParentId\" REFERENCES \"NhsOrganisations\" (\"Id\") ON DELETE RESTRICT;");

            migrationBuilder.CreateIndex(
                name: "IX_NhsOrganisations_ParentId",
                table: "NhsOrganisations",
                column: "ParentId");
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
