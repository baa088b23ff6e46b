using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class ProductsAndEvidencePacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "CopiedFromPackId",
                table: "RequirementResponses",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CopiedFromPackRevisedAt",
                table: "RequirementResponses",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CopiedFromPackRevision",
                table: "RequirementResponses",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CopiedFromPackId",
                table: "EvidenceItems",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CopiedFromPackRevisedAt",
                table: "EvidenceItems",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CopiedFromPackRevision",
                table: "EvidenceItems",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ProductVersionId",
                table: "Assessments",
                type: "int",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Products",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    SupplierId = table.Column<int>(type: "int", nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ConcurrencyStamp = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Products", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Products_Suppliers_SupplierId",
                        column: x => x.SupplierId,
                        principalTable: "Suppliers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ProductVersions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ProductId = table.Column<int>(type: "int", nullable: false),
                    Label = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    ReleaseDate = table.Column<DateOnly>(type: "date", nullable: true),
                    Description = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ConcurrencyStamp = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProductVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProductVersions_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EvidencePacks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ProductVersionId = table.Column<int>(type: "int", nullable: false),
                    FrameworkVersionId = table.Column<int>(type: "int", nullable: false),
                    Revision = table.Column<int>(type: "int", nullable: false),
                    RevisedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ConcurrencyStamp = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidencePacks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvidencePacks_FrameworkVersions_FrameworkVersionId",
                        column: x => x.FrameworkVersionId,
                        principalTable: "FrameworkVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_EvidencePacks_ProductVersions_ProductVersionId",
                        column: x => x.ProductVersionId,
                        principalTable: "ProductVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "EvidencePackAnswers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    EvidencePackId = table.Column<int>(type: "int", nullable: false),
                    Code = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Claim = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: true),
                    Narrative = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: true),
                    NotApplicableJustification = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    PlannedDate = table.Column<DateOnly>(type: "date", nullable: true),
                    Plan = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedByName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidencePackAnswers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvidencePackAnswers_EvidencePacks_EvidencePackId",
                        column: x => x.EvidencePackId,
                        principalTable: "EvidencePacks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EvidencePackShares",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    EvidencePackId = table.Column<int>(type: "int", nullable: false),
                    NhsOrganisationId = table.Column<int>(type: "int", nullable: false),
                    SharedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    SharedByUserId = table.Column<int>(type: "int", nullable: false),
                    WithdrawnAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    WithdrawnByUserId = table.Column<int>(type: "int", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidencePackShares", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvidencePackShares_EvidencePacks_EvidencePackId",
                        column: x => x.EvidencePackId,
                        principalTable: "EvidencePacks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_EvidencePackShares_NhsOrganisations_NhsOrganisationId",
                        column: x => x.NhsOrganisationId,
                        principalTable: "NhsOrganisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "EvidencePackItems",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    EvidencePackId = table.Column<int>(type: "int", nullable: false),
                    EvidencePackAnswerId = table.Column<int>(type: "int", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Title = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    Url = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    StoredName = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    FileName = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    ContentType = table.Column<string>(type: "nvarchar(150)", maxLength: 150, nullable: true),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: true),
                    Sha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    EvidenceDate = table.Column<DateOnly>(type: "date", nullable: false),
                    ValidUntil = table.Column<DateOnly>(type: "date", nullable: true),
                    AddedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    AddedByUserId = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidencePackItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvidencePackItems_EvidencePackAnswers_EvidencePackAnswerId",
                        column: x => x.EvidencePackAnswerId,
                        principalTable: "EvidencePackAnswers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Assessments_ProductVersionId",
                table: "Assessments",
                column: "ProductVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_EvidencePackAnswers_EvidencePackId_Code",
                table: "EvidencePackAnswers",
                columns: new[] { "EvidencePackId", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvidencePackItems_EvidencePackAnswerId",
                table: "EvidencePackItems",
                column: "EvidencePackAnswerId");

            migrationBuilder.CreateIndex(
                name: "IX_EvidencePackItems_EvidencePackId",
                table: "EvidencePackItems",
                column: "EvidencePackId");

            migrationBuilder.CreateIndex(
                name: "IX_EvidencePackItems_StoredName",
                table: "EvidencePackItems",
                column: "StoredName");

            migrationBuilder.CreateIndex(
                name: "IX_EvidencePacks_FrameworkVersionId",
                table: "EvidencePacks",
                column: "FrameworkVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_EvidencePacks_ProductVersionId_FrameworkVersionId",
                table: "EvidencePacks",
                columns: new[] { "ProductVersionId", "FrameworkVersionId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvidencePackShares_EvidencePackId_NhsOrganisationId",
                table: "EvidencePackShares",
                columns: new[] { "EvidencePackId", "NhsOrganisationId" });

            migrationBuilder.CreateIndex(
                name: "IX_EvidencePackShares_NhsOrganisationId_WithdrawnAt",
                table: "EvidencePackShares",
                columns: new[] { "NhsOrganisationId", "WithdrawnAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Products_SupplierId_Name",
                table: "Products",
                columns: new[] { "SupplierId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ProductVersions_ProductId_Label",
                table: "ProductVersions",
                columns: new[] { "ProductId", "Label" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_Assessments_ProductVersions_ProductVersionId",
                table: "Assessments",
                column: "ProductVersionId",
                principalTable: "ProductVersions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Assessments_ProductVersions_ProductVersionId",
                table: "Assessments");

            migrationBuilder.DropTable(
                name: "EvidencePackItems");

            migrationBuilder.DropTable(
                name: "EvidencePackShares");

            migrationBuilder.DropTable(
                name: "EvidencePackAnswers");

            migrationBuilder.DropTable(
                name: "EvidencePacks");

            migrationBuilder.DropTable(
                name: "ProductVersions");

            migrationBuilder.DropTable(
                name: "Products");

            migrationBuilder.DropIndex(
                name: "IX_Assessments_ProductVersionId",
                table: "Assessments");

            migrationBuilder.DropColumn(
                name: "CopiedFromPackId",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "CopiedFromPackRevisedAt",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "CopiedFromPackRevision",
                table: "RequirementResponses");

            migrationBuilder.DropColumn(
                name: "CopiedFromPackId",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "CopiedFromPackRevisedAt",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "CopiedFromPackRevision",
                table: "EvidenceItems");

            migrationBuilder.DropColumn(
                name: "ProductVersionId",
                table: "Assessments");
        }
    }
}
