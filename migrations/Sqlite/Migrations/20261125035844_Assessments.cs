using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Assessments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AssessmentId",
                table: "AuditEvents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Assessments",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    NhsOrganisationId = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedByUserId = table.Column<int>(type: "INTEGER", nullable: false),
                    FrameworkVersionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Route = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Conditions = table.Column<int>(type: "INTEGER", nullable: false),
                    ConditionsConfirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                    SystemName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SupplierId = table.Column<int>(type: "INTEGER", nullable: true),
                    ProductName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ProductVersion = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ProcurementReference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ResponseDueDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ContractDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    StartStepReached = table.Column<int>(type: "INTEGER", nullable: false),
                    ScopeReviewed = table.Column<bool>(type: "INTEGER", nullable: false),
                    StartConfirmedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    WithdrawnReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ConcurrencyStamp = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Assessments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Assessments_FrameworkVersions_FrameworkVersionId",
                        column: x => x.FrameworkVersionId,
                        principalTable: "FrameworkVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Assessments_NhsOrganisations_NhsOrganisationId",
                        column: x => x.NhsOrganisationId,
                        principalTable: "NhsOrganisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Assessments_Suppliers_SupplierId",
                        column: x => x.SupplierId,
                        principalTable: "Suppliers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "AssessmentRequirements",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AssessmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    PolicyRequirementId = table.Column<int>(type: "INTEGER", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    Standing = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    InScope = table.Column<bool>(type: "INTEGER", nullable: false),
                    AddedByOfficer = table.Column<bool>(type: "INTEGER", nullable: false),
                    ExclusionJustification = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssessmentRequirements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AssessmentRequirements_Assessments_AssessmentId",
                        column: x => x.AssessmentId,
                        principalTable: "Assessments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AssessmentRequirements_PolicyRequirements_PolicyRequirementId",
                        column: x => x.PolicyRequirementId,
                        principalTable: "PolicyRequirements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SignificantFunctions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AssessmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ApiOperation = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    DocumentationUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AnsweredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ConcurrencyStamp = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignificantFunctions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SignificantFunctions_Assessments_AssessmentId",
                        column: x => x.AssessmentId,
                        principalTable: "Assessments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SupplierInvitations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AssessmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    InvitedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    InvitedByUserId = table.Column<int>(type: "INTEGER", nullable: false),
                    AcceptedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AcceptedByUserId = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupplierInvitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SupplierInvitations_Assessments_AssessmentId",
                        column: x => x.AssessmentId,
                        principalTable: "Assessments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RequirementResponses",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AssessmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    AssessmentRequirementId = table.Column<int>(type: "INTEGER", nullable: false),
                    Claim = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Narrative = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    NotApplicableJustification = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    PlannedDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Plan = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedByUserId = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ConcurrencyStamp = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequirementResponses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RequirementResponses_AssessmentRequirements_AssessmentRequirementId",
                        column: x => x.AssessmentRequirementId,
                        principalTable: "AssessmentRequirements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_RequirementResponses_Assessments_AssessmentId",
                        column: x => x.AssessmentId,
                        principalTable: "Assessments",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "EvidenceItems",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AssessmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    RequirementResponseId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    StoredName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 150, nullable: true),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: true),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    EvidenceDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ValidUntil = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    AddedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AddedByUserId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidenceItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvidenceItems_Assessments_AssessmentId",
                        column: x => x.AssessmentId,
                        principalTable: "Assessments",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_EvidenceItems_RequirementResponses_RequirementResponseId",
                        column: x => x.RequirementResponseId,
                        principalTable: "RequirementResponses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_AssessmentId",
                table: "AuditEvents",
                column: "AssessmentId");

            migrationBuilder.CreateIndex(
                name: "IX_AssessmentRequirements_AssessmentId_Code",
                table: "AssessmentRequirements",
                columns: new[] { "AssessmentId", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AssessmentRequirements_PolicyRequirementId",
                table: "AssessmentRequirements",
                column: "PolicyRequirementId");

            migrationBuilder.CreateIndex(
                name: "IX_Assessments_FrameworkVersionId",
                table: "Assessments",
                column: "FrameworkVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_Assessments_NhsOrganisationId_Status",
                table: "Assessments",
                columns: new[] { "NhsOrganisationId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Assessments_ProcurementReference",
                table: "Assessments",
                column: "ProcurementReference");

            migrationBuilder.CreateIndex(
                name: "IX_Assessments_SupplierId_Status",
                table: "Assessments",
                columns: new[] { "SupplierId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceItems_AssessmentId",
                table: "EvidenceItems",
                column: "AssessmentId");

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceItems_RequirementResponseId",
                table: "EvidenceItems",
                column: "RequirementResponseId");

            migrationBuilder.CreateIndex(
                name: "IX_RequirementResponses_AssessmentId",
                table: "RequirementResponses",
                column: "AssessmentId");

            migrationBuilder.CreateIndex(
                name: "IX_RequirementResponses_AssessmentRequirementId",
                table: "RequirementResponses",
                column: "AssessmentRequirementId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SignificantFunctions_AssessmentId",
                table: "SignificantFunctions",
                column: "AssessmentId");

            migrationBuilder.CreateIndex(
                name: "IX_SupplierInvitations_AssessmentId",
                table: "SupplierInvitations",
                column: "AssessmentId");

            migrationBuilder.CreateIndex(
                name: "IX_SupplierInvitations_Email",
                table: "SupplierInvitations",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_SupplierInvitations_TokenHash",
                table: "SupplierInvitations",
                column: "TokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EvidenceItems");

            migrationBuilder.DropTable(
                name: "SignificantFunctions");

            migrationBuilder.DropTable(
                name: "SupplierInvitations");

            migrationBuilder.DropTable(
                name: "RequirementResponses");

            migrationBuilder.DropTable(
                name: "AssessmentRequirements");

            migrationBuilder.DropTable(
                name: "Assessments");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_AssessmentId",
                table: "AuditEvents");

            migrationBuilder.DropColumn(
                name: "AssessmentId",
                table: "AuditEvents");
        }
    }
}
