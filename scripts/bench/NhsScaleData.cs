using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Audit;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Data.Seed;
using Portal.Data.SignOffs;
using Portal.Data.Users;
using Portal.Features.Policy;

namespace Portal.Benchmarks;

/// <summary>How big the benchmark's data set is.</summary>
/// <param name="PublishedVersions">Product versions on the public register (issue 18), each named by a signed-off assessment of its own.</param>
public sealed record DataSetSize(int Organisations, int Suppliers, int Assessments, int DemoTrustAssessments, int TargetRequirements, int PublishedVersions);

/// <summary>What the seeding made, and the assessments the load runs visit.</summary>
public sealed record SeededData(
    TimeSpan MigrateTime,
    TimeSpan SeedTime,
    IReadOnlyDictionary<string, long> Rows,
    long DatabaseBytes,
    IReadOnlyList<int> DemoTrustAssessmentIds,
    int PageAssessmentId,
    int PageAssessmentRequirements,
    int OfficerUserId,
    int SupplierEditingAssessmentId,
    int SupplierUserId);

/// <summary>
/// An NHS-scale data set for the benchmark: the schema comes from the real SQLite migrations and the catalogue and
/// demo people from the real seeder, as at the portal's start; the bulk (organisations, suppliers, people,
/// assessments with their scope, answers, evidence, reviews, sign-offs, notifications and audit events) is
/// inserted with prepared SQL in one transaction. EF with change tracking would take minutes for these rows, and
/// the audit chain interceptor would serialise every save; here the chain is computed as it is written, with the
/// portal's own hash, so the timeline's integrity check still passes.
/// </summary>
public sealed class NhsScaleData(string databasePath, DataSetSize size, DateTime now)
{
    private static readonly AssessmentStatus[] StatusMix = WeightedStatuses();

    private static readonly string[] Places =
    [
        "Ashbourne", "Bramley", "Calder", "Dunmore", "Eastwick", "Fairholm", "Greyford", "Harwood", "Ivybridge", "Kestrel",
        "Larkhill", "Marston", "Northmere", "Oakridge", "Pendle", "Queensbury", "Redhaven", "Stanwell", "Thornbury", "Upton",
        "Wexcombe", "Yarrow", "Alderney", "Beckford", "Coldharbour",
    ];

    private static readonly string[] OrganisationForms =
    [
        "{0} NHS Foundation Trust", "{0} Hospitals NHS Trust", "{0} Community Health NHS Trust", "NHS {0} Integrated Care Board",
        "{0} and District NHS Foundation Trust", "{0} Mental Health NHS Trust", "{0} Teaching Hospitals NHS Trust", "{0} Ambulance Service NHS Trust",
    ];

    private static readonly string[] SupplierWords =
    [
        "Apex", "Beacon", "Cedar", "Delta", "Evergreen", "Fulcrum", "Granite", "Harbour", "Insight", "Juniper", "Keystone", "Lumen",
        "Meridian", "Nimbus", "Orbit", "Pinnacle", "Quartz", "Riverside",
    ];

    private static readonly string[] SupplierForms = ["{0} Clinical Systems Ltd", "{0} Health Software Ltd", "{0} Digital Care Ltd", "{0} Medical Informatics plc"];

    private static readonly string[] Systems =
    [
        "Patient administration system", "Electronic patient record", "Laboratory information system", "Radiology information system",
        "E-prescribing and medicines administration", "Maternity information system", "Theatre management system", "Emergency department system",
        "Community care record", "Mental health record", "Order communications", "Bed management system",
    ];

    private static readonly string[] Functions =
    [
        "Register a new patient", "Admit, transfer and discharge", "Book an appointment", "Record observations", "Request a test",
        "Report a result", "Prescribe a medicine", "Send a discharge summary",
    ];

    private readonly Random _random = new(2014);
    private readonly Dictionary<string, long> _rows = [];
    private long _auditSequence;
    private string _auditPrevious = string.Empty;

    public async Task<SeededData> CreateAsync(CancellationToken cancellationToken)
    {
        File.Delete(databasePath);
        File.Delete(databasePath + "-wal");
        File.Delete(databasePath + "-shm");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath }.ToString();

        var migrate = Stopwatch.StartNew();
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(options, new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = connectionString });
        List<CatalogueRequirement> catalogue;
        int frameworkVersionId;
        await using (var db = new PortalDbContext(options.Options))
        {
            await db.Database.MigrateAsync(cancellationToken);
            await PortalSeeder.SeedAsync(db, now, includeDemoData: true, cancellationToken);
            frameworkVersionId = await db.FrameworkVersions.Where(v => v.Status == FrameworkVersionStatus.Published).Select(v => v.Id).SingleAsync(cancellationToken);
            catalogue = await db.PolicyRequirements.AsNoTracking()
                .Where(r => r.FrameworkVersionId == frameworkVersionId).OrderBy(r => r.Order)
                .Select(r => new CatalogueRequirement(r.Id, r.Code, r.Order, r.ProcureStanding, r.DevelopStanding, r.UpgradeStanding, r.Conditions))
                .ToListAsync(cancellationToken);
        }

        migrate.Stop();

        var seed = Stopwatch.StartNew();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;");
        var existing = await ReadExistingAsync(connection);
        var scopes = Scopes(catalogue);

        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
        {
            var writer = new Writer(connection, transaction, _rows);
            var organisations = AddOrganisations(writer, existing);
            var suppliers = AddSuppliers(writer, existing);
            var people = AddPeople(writer, organisations, suppliers, existing);
            _auditSequence = existing.AuditSequence;
            _auditPrevious = existing.AuditHash;
            var lastAssessment = AddAssessments(writer, organisations, suppliers, people, scopes, frameworkVersionId, existing);
            AddRegister(writer, organisations, suppliers, frameworkVersionId, lastAssessment);
            await transaction.CommitAsync(cancellationToken);
        }

        await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        seed.Stop();

        var pageAssessment = await PageAssessmentAsync(connection, existing.DemoTrustId);
        var demoTrustAssessments = await IdsAsync(connection,
            $"SELECT Id FROM Assessments WHERE NhsOrganisationId = {existing.DemoTrustId} AND Status <> 'Draft' ORDER BY Id LIMIT 200");
        // The supplier's own editing view: an assessment of the demo trust's waiting for Acme, whose account manager
        // (Sam Okafor) answers it, with the most requirements in scope.
        var editing = await ScalarRowAsync(connection, $"""
            SELECT a.Id, COUNT(r.Id) FROM Assessments a JOIN AssessmentRequirements r ON r.AssessmentId = a.Id AND r.InScope = 1
            WHERE a.SupplierId = {existing.AcmeId} AND a.Status = 'AwaitingSupplier'
            GROUP BY a.Id ORDER BY COUNT(r.Id) DESC, a.Id LIMIT 1
            """) ?? throw new InvalidOperationException("The seeded data has no assessment waiting for Acme's answers.");
        SqliteConnection.ClearAllPools();
        return new SeededData(migrate.Elapsed, seed.Elapsed, _rows, new FileInfo(databasePath).Length,
            demoTrustAssessments, pageAssessment.Id, pageAssessment.Requirements, existing.DemoPeople["olivia.hart"],
            Convert.ToInt32(editing[0], System.Globalization.CultureInfo.InvariantCulture), existing.DemoPeople["sam.okafor"]);
    }

    private sealed record CatalogueRequirement(
        int Id, string Code, int Order, RouteStanding? Procure, RouteStanding? Develop, RouteStanding? Upgrade, ScopeConditions Conditions)
    {
        public RouteStanding? StandingOn(AssessmentRoute route) => route switch
        {
            AssessmentRoute.Procure => Procure,
            AssessmentRoute.Develop => Develop,
            _ => Upgrade,
        };
    }

    private sealed record ScopedRequirement(CatalogueRequirement Requirement, RouteStanding? Standing, string Reason, bool AddedByOfficer);

    private sealed record Scope(AssessmentRoute Route, ScopeConditions Conditions, IReadOnlyList<ScopedRequirement> ByRule, IReadOnlyList<ScopedRequirement> Addable);

    /// <param name="LastSupplierId">The highest supplier id the demo data holds (it has more suppliers than the two the benchmark uses).</param>
    private sealed record Existing(
        int DemoTrustId, int DemoIcbId, int AcmeId, int BrightwaterId, int LastSupplierId, IReadOnlyDictionary<string, int> DemoPeople, long AuditSequence, string AuditHash);

    private sealed record Organisation(int Id, string Name, int OfficerId, string OfficerName, int CcioId, string CcioName);

    private sealed record SupplierParty(int Id, string Name, int ManagerId, string ManagerName);

    private sealed record People(int NextUserId);

    /// <summary>
    /// Every route and combination of conditions, scoped by the portal's own rule. Developing brings 44 to 48 of the
    /// catalogue's requirements into scope and procuring or upgrading 78 to 107, so each assessment is then shaped
    /// to about the target as an officer would in the scope step: adding requirements by ID, or taking some out
    /// with a written reason.
    /// </summary>
    private static List<Scope> Scopes(List<CatalogueRequirement> catalogue)
    {
        var all = new List<Scope>();
        foreach (var route in Enum.GetValues<AssessmentRoute>())
        {
            for (var bits = 0; bits < 16; bits++)
            {
                var conditions = (ScopeConditions)bits;
                var decisions = catalogue.Select(r => (Requirement: r, Decision: RequirementScoping.Decide(route, conditions, r.StandingOn(route), r.Conditions))).ToList();
                all.Add(new Scope(
                    route,
                    conditions,
                    decisions.Where(x => x.Decision.Applies)
                        .Select(x => new ScopedRequirement(x.Requirement, x.Decision.Standing, x.Decision.Reason, AddedByOfficer: false)).ToList(),
                    decisions.Where(x => !x.Decision.Applies)
                        .Select(x => new ScopedRequirement(x.Requirement, x.Requirement.StandingOn(route) ?? RouteStanding.Expectation, "Added by the procurement officer.", AddedByOfficer: true))
                        .ToList()));
            }
        }

        return all;
    }

    /// <summary>The scope review's outcome for one assessment: about the target in scope, the rest taken out with a reason.</summary>
    private List<(ScopedRequirement Requirement, bool InScope)> ShapeScope(Scope scope)
    {
        var target = size.TargetRequirements + _random.Next(-3, 4);
        var added = scope.Addable.Take(Math.Max(0, target - scope.ByRule.Count));
        var takenOut = scope.ByRule.Count > target
            ? scope.ByRule.Select((_, i) => i).OrderBy(_ => _random.Next()).Take(scope.ByRule.Count - target).ToHashSet()
            : [];
        return scope.ByRule.Select((r, i) => (r, !takenOut.Contains(i)))
            .Concat(added.Select(r => (r, true)))
            .OrderBy(x => x.Item1.Requirement.Order)
            .ToList();
    }

    private static async Task<Existing> ReadExistingAsync(SqliteConnection connection)
    {
        var demoPeople = new Dictionary<string, int>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT ObjectId, Id FROM Users WHERE TenantId = $tenant";
            command.Parameters.AddWithValue("$tenant", PortalSeeder.DemoTenantId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                demoPeople[reader.GetString(0)] = reader.GetInt32(1);
            }
        }

        var last = await ScalarRowAsync(connection, "SELECT Sequence, Hash FROM AuditEvents WHERE Chain = 'portal' ORDER BY Sequence DESC LIMIT 1");
        return new Existing(
            await IntAsync(connection, "SELECT Id FROM NhsOrganisations WHERE OdsCode = 'XDV'"),
            await IntAsync(connection, "SELECT Id FROM NhsOrganisations WHERE OdsCode = 'XDS'"),
            await IntAsync(connection, "SELECT Id FROM Suppliers WHERE Name = 'Acme Clinical Systems Ltd'"),
            await IntAsync(connection, "SELECT Id FROM Suppliers WHERE Name = 'Brightwater Health Software Ltd'"),
            await IntAsync(connection, "SELECT MAX(Id) FROM Suppliers"),
            demoPeople,
            last is null ? 0 : Convert.ToInt64(last[0], System.Globalization.CultureInfo.InvariantCulture),
            last is null ? string.Empty : (string)last[1]);
    }

    private List<Organisation> AddOrganisations(Writer writer, Existing existing)
    {
        var insert = writer.Table("NhsOrganisations", "Id", "OdsCode", "Name", "Kind");
        var organisations = new List<Organisation>
        {
            new(existing.DemoTrustId, "Demo Valley NHS Foundation Trust", existing.DemoPeople["olivia.hart"], "Olivia Hart", existing.DemoPeople["chris.morgan"], "Dr Chris Morgan"),
            new(existing.DemoIcbId, "NHS Demo Shire Integrated Care Board", existing.DemoPeople["priya.shah"], "Priya Shah", existing.DemoPeople["priya.shah"], "Priya Shah"),
        };
        var nextId = Math.Max(existing.DemoTrustId, existing.DemoIcbId) + 1;
        for (var i = 0; i < size.Organisations; i++)
        {
            var form = OrganisationForms[i % OrganisationForms.Length];
            var place = Places[i / OrganisationForms.Length % Places.Length];
            var name = string.Format(System.Globalization.CultureInfo.InvariantCulture, form, place);
            if (i >= OrganisationForms.Length * Places.Length)
            {
                name += $" ({i / (OrganisationForms.Length * Places.Length) + 1})";
            }

            var kind = form.Contains("Integrated Care Board", StringComparison.Ordinal) ? "IntegratedCareBoard" : "Trust";
            // Fictional ODS-style codes starting with Z, so benchmark data is never mistaken for a real body.
            insert.Add(nextId, $"Z{i:D4}", name, kind);
            organisations.Add(new Organisation(nextId, name, 0, string.Empty, 0, string.Empty));
            nextId++;
        }

        return organisations;
    }

    private List<SupplierParty> AddSuppliers(Writer writer, Existing existing)
    {
        var insert = writer.Table("Suppliers", "Id", "Name", "CompanyNumber");
        var suppliers = new List<SupplierParty>
        {
            new(existing.AcmeId, "Acme Clinical Systems Ltd", existing.DemoPeople["sam.okafor"], "Sam Okafor"),
            new(existing.BrightwaterId, "Brightwater Health Software Ltd", existing.DemoPeople["bea.lindqvist"], "Bea Lindqvist"),
        };
        var nextId = existing.LastSupplierId + 1;
        for (var i = 0; i < size.Suppliers; i++)
        {
            var word = SupplierWords[i % SupplierWords.Length];
            var form = SupplierForms[i / SupplierWords.Length % SupplierForms.Length];
            var name = string.Format(System.Globalization.CultureInfo.InvariantCulture, form, word) + (i >= SupplierWords.Length * SupplierForms.Length ? $" {i:D3}" : string.Empty);
            insert.Add(nextId, name, $"{90_000_000 + i:D8}");
            suppliers.Add(new SupplierParty(nextId, name, 0, string.Empty));
            nextId++;
        }

        return suppliers;
    }

    /// <summary>A procurement officer and a CCIO for each new organisation, an account manager for each new supplier.</summary>
    private People AddPeople(Writer writer, List<Organisation> organisations, List<SupplierParty> suppliers, Existing existing)
    {
        var insert = writer.Table("Users", "Id", "TenantId", "ObjectId", "DisplayName", "Email", "Role", "NhsOrganisationId", "SupplierId", "IsActive", "CreatedAt", "ConcurrencyStamp");
        var nextId = existing.DemoPeople.Values.Max() + 1;
        int Add(string name, string role, int? organisationId, int? supplierId)
        {
            var id = nextId++;
            insert.Add(id, "bench", $"bench-{id}", name, $"person{id}@bench.example", role, organisationId, supplierId, true, now.AddYears(-2), Stamp());
            return id;
        }

        for (var i = 2; i < organisations.Count; i++)
        {
            var o = organisations[i];
            var officer = $"Officer {i} of {o.Name}";
            var ccio = $"Dr CCIO {i} of {o.Name}";
            organisations[i] = o with
            {
                OfficerId = Add(officer, PortalRoles.ProcurementOfficer, o.Id, null), OfficerName = officer,
                CcioId = Add(ccio, PortalRoles.CcioReviewer, o.Id, null), CcioName = ccio,
            };
        }

        for (var i = 2; i < suppliers.Count; i++)
        {
            var manager = $"Account manager {i} of {suppliers[i].Name}";
            suppliers[i] = suppliers[i] with { ManagerId = Add(manager, PortalRoles.SupplierAccountManager, null, suppliers[i].Id), ManagerName = manager };
        }

        return new People(nextId);
    }

    /// <returns>The last assessment id and sign-off id used.</returns>
    private (int Assessment, int SignOff) AddAssessments(
        Writer writer, List<Organisation> organisations, List<SupplierParty> suppliers, People people, List<Scope> scopes, int frameworkVersionId, Existing existing)
    {
        var assessments = writer.Table("Assessments",
            "Id", "NhsOrganisationId", "CreatedByUserId", "FrameworkVersionId", "Status", "Route", "Conditions", "ConditionsConfirmed", "SystemName",
            "SupplierId", "ProductName", "ProductVersion", "Description", "ProcurementReference", "ResponseDueDate", "ContractDate", "StartStepReached",
            "ScopeReviewed", "StartConfirmedAt", "CreatedAt", "UpdatedAt", "WithdrawnReason", "ConcurrencyStamp");
        var requirements = writer.Table("AssessmentRequirements",
            "Id", "AssessmentId", "PolicyRequirementId", "Code", "Order", "Standing", "Reason", "InScope", "AddedByOfficer", "ExclusionJustification");
        var functions = writer.Table("SignificantFunctions",
            "Id", "AssessmentId", "Order", "Name", "Description", "ApiOperation", "DocumentationUrl", "AnsweredAt", "ConcurrencyStamp");
        var invitations = writer.Table("SupplierInvitations",
            "Id", "AssessmentId", "Email", "TokenHash", "Status", "InvitedAt", "InvitedByUserId", "AcceptedAt", "AcceptedByUserId");
        var responses = writer.Table("RequirementResponses",
            "Id", "AssessmentId", "AssessmentRequirementId", "Claim", "Narrative", "NotApplicableJustification", "PlannedDate", "Plan",
            "UpdatedAt", "UpdatedByUserId", "UpdatedByName", "ConcurrencyStamp");
        var evidence = writer.Table("EvidenceItems",
            "Id", "AssessmentId", "RequirementResponseId", "Kind", "Title", "Url", "StoredName", "FileName", "ContentType", "SizeBytes", "Sha256",
            "EvidenceDate", "ValidUntil", "AddedAt", "AddedByUserId");
        var decisions = writer.Table("ReviewDecisions",
            "Id", "AssessmentId", "AssessmentRequirementId", "Outcome", "Note", "DecidedByUserId", "DecidedByName", "DecidedAt");
        var comments = writer.Table("RequirementComments",
            "Id", "AssessmentId", "AssessmentRequirementId", "AuthorUserId", "AuthorName", "AuthorIsSupplier", "IsInternal", "Text", "PostedAt");
        var signOffs = writer.Table("SignOffs",
            "Id", "AssessmentId", "Decision", "SignedByUserId", "SignedByName", "SignedByRole", "SignedAt", "HazardLogReference", "ClinicalSafetyNotes",
            "Reasons", "Attestation", "Snapshot", "Seal", "IsVoid", "VoidedAt", "VoidReason");
        var conditions = writer.Table("SignOffCondition", "Id", "SignOffId", "Text", "Owner", "DueDate");
        var notifications = writer.Table("Notifications", "Id", "UserId", "AssessmentId", "Text", "Link", "CreatedAt", "ReadAt");
        var audit = writer.Table("AuditEvents",
            "OccurredAt", "ActorUserId", "ActorName", "ActorRole", "Action", "EntityType", "EntityId", "Summary", "Before", "After",
            "AssessmentId", "Sequence", "PreviousHash", "Hash");

        var ids = new Ids();
        var today = DateOnly.FromDateTime(now);
        for (var n = 0; n < size.Assessments; n++)
        {
            var id = ++ids.Assessment;
            // The demo trust holds a large share, so the signed-in officer's list is as long as a busy ICB's; the demo ICB
            // keeps only what people add by hand.
            var organisation = n < size.DemoTrustAssessments ? organisations[0] : organisations[2 + _random.Next(organisations.Count - 2)];
            var supplier = suppliers[_random.Next(suppliers.Count)];
            var status = StatusMix[_random.Next(StatusMix.Length)];
            var scope = RouteMix(scopes);
            var created = now.AddDays(-_random.Next(20, 720)).AddMinutes(-_random.Next(1440));
            var updated = created.AddDays(_random.Next(0, 19)).AddMinutes(_random.Next(1440));
            var reference = $"OAP-{id:D5}";
            var system = Systems[_random.Next(Systems.Length)];
            var due = DateOnly.FromDateTime(created).AddDays(_random.Next(21, 60));
            var confirmed = status != AssessmentStatus.Draft || _random.Next(3) == 0;
            assessments.Add(id, organisation.Id, organisation.OfficerId, frameworkVersionId, status.ToString(), scope.Route.ToString(), (int)scope.Conditions, true,
                system, supplier.Id, $"{supplier.Name.Split(' ')[0]}{system.Split(' ')[0]}", $"{_random.Next(1, 9)}.{_random.Next(0, 10)}",
                $"The {system.ToLowerInvariant()} for {organisation.Name}.", $"PR-{created.Year}-{id % 997:D3}", due, due.AddDays(120),
                confirmed ? 6 : 4, confirmed, confirmed ? created.AddHours(2) : null, created, updated,
                status == AssessmentStatus.Withdrawn ? "The procurement was paused while the trust reviews its digital strategy." : null, Stamp());
            Audit(audit, created, organisation.OfficerId, organisation.OfficerName, PortalRoles.ProcurementOfficer, "AssessmentDraftStarted",
                nameof(Assessment), reference, $"Started {reference} as a draft.", null, null, id);

            var functionCount = 2 + _random.Next(3);
            for (var f = 0; f < functionCount; f++)
            {
                var answered = status >= AssessmentStatus.Submitted && status != AssessmentStatus.Withdrawn;
                functions.Add(++ids.Function, id, f + 1, Functions[(f + n) % Functions.Length], null,
                    answered ? $"POST /fhir/R4/{Functions[(f + n) % Functions.Length].Split(' ')[0]}" : null,
                    answered ? "https://developer.example.org/api/reference" : null, answered ? updated : null, Stamp());
            }

            var requirementIds = new List<(int Id, string Code, bool InScope)>();
            foreach (var (r, inScope) in ShapeScope(scope))
            {
                requirements.Add(++ids.Requirement, id, r.Requirement.Id, r.Requirement.Code, r.Requirement.Order, r.Standing?.ToString(), r.Reason, inScope, r.AddedByOfficer,
                    inScope ? null : "The system does not offer this capability and the trust has agreed it is not needed for this deployment.");
                requirementIds.Add((ids.Requirement, r.Requirement.Code, inScope));
            }

            if (status == AssessmentStatus.Draft)
            {
                continue;
            }

            Audit(audit, created.AddHours(2), organisation.OfficerId, organisation.OfficerName, PortalRoles.ProcurementOfficer, "AssessmentStartConfirmed",
                nameof(Assessment), reference, $"Confirmed the start of {reference} with {requirementIds.Count(r => r.InScope)} requirements in scope.", "Draft", "Draft", id);
            invitations.Add(++ids.Invitation, id, $"manager{supplier.ManagerId}@supplier.example", Hash($"invitation-{ids.Invitation}"), "Accepted",
                created.AddHours(3), organisation.OfficerId, created.AddDays(1), supplier.ManagerId);
            Audit(audit, created.AddHours(3), organisation.OfficerId, organisation.OfficerName, PortalRoles.ProcurementOfficer, "SupplierInvited",
                nameof(SupplierInvitation), $"{reference}/{ids.Invitation}", $"Invited {supplier.Name} to answer {reference}.", "Draft", "AwaitingSupplier", id);

            // Suppliers still answering have done part of it; from submission on, everything in scope is answered.
            var answeredShare = status is AssessmentStatus.AwaitingSupplier or AssessmentStatus.Withdrawn ? _random.NextDouble() : 1.0;
            var reviewedShare = status switch
            {
                AssessmentStatus.UnderReview => 0.5,
                AssessmentStatus.ClarificationRequested or AssessmentStatus.AwaitingSignOff or AssessmentStatus.SignedOff
                    or AssessmentStatus.SignedOffWithConditions or AssessmentStatus.Rejected => 1.0,
                _ => 0.0,
            };
            var answeredAt = created.AddDays(3);
            foreach (var requirement in requirementIds.Where(r => r.InScope))
            {
                if (_random.NextDouble() >= answeredShare)
                {
                    continue;
                }

                var claim = Claim();
                var responseId = ++ids.Response;
                responses.Add(responseId, id, requirement.Id, claim.ToString(),
                    $"{supplier.Name} meets {requirement.Code} through its published FHIR R4 API; the attached documents describe the operations, the test environment and the service levels.",
                    claim == ComplianceClaim.NotApplicable ? "The system holds no data of the kind this requirement covers." : null,
                    claim == ComplianceClaim.WillMeetByDate ? today.AddDays(_random.Next(-30, 240)) : null,
                    claim == ComplianceClaim.WillMeetByDate ? "Delivered in the next major release, with the API documented before go-live." : null,
                    answeredAt, supplier.ManagerId, supplier.ManagerName, Stamp());
                var items = 2 + _random.Next(3);
                for (var e = 0; e < items; e++)
                {
                    var document = e == 0 && _random.Next(3) == 0;
                    var evidenceDate = DateOnly.FromDateTime(created).AddDays(-_random.Next(400));
                    DateOnly? validUntil = _random.Next(4) == 0 ? evidenceDate.AddDays(_random.Next(200, 800)) : null;
                    var evidenceId = ++ids.Evidence;
                    evidence.Add(evidenceId, id, responseId, EvidenceKind(e),
                        document ? $"{requirement.Code} conformance statement" : $"{requirement.Code} {EvidenceKind(e)} reference",
                        document ? null : $"https://docs.supplier{supplier.Id}.example/open-api/{requirement.Code.ToLowerInvariant()}/{e}",
                        document ? $"{Guid.NewGuid():N}.pdf" : null, document ? $"{requirement.Code}-conformance.pdf" : null,
                        document ? "application/pdf" : null, document ? 80_000L + _random.Next(900_000) : null, document ? Hash($"document-{evidenceId}") : null,
                        evidenceDate, validUntil, answeredAt, supplier.ManagerId);
                }

                if (_random.NextDouble() < reviewedShare)
                {
                    var outcome = Outcome(status);
                    decisions.Add(++ids.Decision, id, requirement.Id, outcome.ToString(),
                        outcome switch
                        {
                            ReviewOutcome.ClarificationRequested => $"Which API operation shows {requirement.Code}? Please link to its documentation.",
                            ReviewOutcome.Rejected => "The evidence does not show the API is published openly.",
                            _ => null,
                        },
                        organisation.OfficerId, organisation.OfficerName, updated.AddDays(-1));
                    if (outcome == ReviewOutcome.ClarificationRequested)
                    {
                        comments.Add(++ids.Comment, id, requirement.Id, organisation.OfficerId, organisation.OfficerName, false, false,
                            $"Which API operation shows {requirement.Code}? Please link to its documentation.", updated.AddDays(-1));
                    }
                }
            }

            if (status is AssessmentStatus.AwaitingSupplier or AssessmentStatus.Withdrawn)
            {
                continue;
            }

            Audit(audit, answeredAt.AddDays(1), supplier.ManagerId, supplier.ManagerName, PortalRoles.SupplierAccountManager, "AssessmentSubmitted",
                nameof(Assessment), reference, $"{supplier.ManagerName} submitted {reference}.", "Awaiting supplier", "Submitted", id);
            notifications.Add(++ids.Notification, organisation.OfficerId, id, $"{reference} ({system}) was submitted by {supplier.Name}.",
                $"/assessments/{id}/review", answeredAt.AddDays(1), _random.Next(5) == 0 ? null : answeredAt.AddDays(2));

            if (status is AssessmentStatus.SignedOff or AssessmentStatus.SignedOffWithConditions or AssessmentStatus.Rejected)
            {
                var decision = status switch
                {
                    AssessmentStatus.SignedOff => SignOffDecision.Approved,
                    AssessmentStatus.SignedOffWithConditions => SignOffDecision.ApprovedWithConditions,
                    _ => SignOffDecision.Rejected,
                };
                var snapshot = $"{{\"assessment\":\"{reference}\",\"requirements\":{requirementIds.Count(r => r.InScope)},\"version\":{frameworkVersionId}}}";
                var signOffId = ++ids.SignOff;
                var isVoid = _random.Next(25) == 0;
                signOffs.Add(signOffId, id, decision.ToString(), organisation.CcioId, organisation.CcioName, PortalRoles.CcioReviewer, updated,
                    $"HAZ-{id:D5}", "Integrations reviewed against the hazard log; no new hazards introduced.",
                    decision == SignOffDecision.Rejected ? "Unmet must requirements on the open publication of interfaces." : null,
                    "I have reviewed the evidence and the review decisions and I am satisfied the result is accurate.", snapshot, Hash(snapshot),
                    isVoid, isVoid ? updated.AddDays(3) : null, isVoid ? "The supplier changed an answer after sign-off." : null);
                if (decision == SignOffDecision.ApprovedWithConditions)
                {
                    for (var c = 0; c < 1 + _random.Next(3); c++)
                    {
                        conditions.Add(++ids.Condition, signOffId, "Publish the remaining API documentation openly before go-live.", supplier.Name,
                            DateOnly.FromDateTime(updated).AddDays(90 + c * 30));
                    }
                }

                Audit(audit, updated, organisation.CcioId, organisation.CcioName, PortalRoles.CcioReviewer, "AssessmentSignedOff",
                    nameof(Assessment), reference, $"{organisation.CcioName} recorded the sign-off decision {decision} on {reference}.",
                    "Awaiting sign-off", status.ToString(), id);
            }
        }

        return (ids.Assessment, ids.SignOff);
    }

    /// <summary>
    /// The public register at scale (issue 18): products and versions of the bench's suppliers (8 products each, versions
    /// 1.0, 2.0 and so on), each version named by one signed-off assessment of a bench organisation, published by its
    /// officer as <c>RegisterService.PublishAsync</c> writes it (an active <c>RegisterPublications</c> row and its audit
    /// event). These assessments carry no requirements, so their stored score is the scorecard's "not yet scored" and is
    /// stored as calculated: the portal's score worker has nothing to do for them, and the other parts' figures (the demo
    /// trust's 5,000) do not move. One in five is signed off with a condition. They are spread over the bench's
    /// organisations (not the demo trust or the demo ICB), so the ICB roll-up, which takes every organisation in, counts them.
    /// </summary>
    private void AddRegister(Writer writer, List<Organisation> organisations, List<SupplierParty> suppliers, int frameworkVersionId, (int Assessment, int SignOff) last)
    {
        if (size.PublishedVersions <= 0)
        {
            return;
        }

        var products = writer.Table("Products", "Id", "SupplierId", "Name", "Description", "CreatedAt", "ConcurrencyStamp");
        var versions = writer.Table("ProductVersions", "Id", "ProductId", "Label", "ReleaseDate", "Description", "CreatedAt", "ConcurrencyStamp");
        var assessments = writer.Table("Assessments",
            "Id", "NhsOrganisationId", "CreatedByUserId", "FrameworkVersionId", "Status", "Route", "Conditions", "ConditionsConfirmed", "SystemName",
            "SupplierId", "ProductName", "ProductVersion", "ProductVersionId", "Description", "ProcurementReference", "ResponseDueDate", "ContractDate",
            "StartStepReached", "ScopeReviewed", "StartConfirmedAt", "CreatedAt", "UpdatedAt", "WithdrawnReason", "ConcurrencyStamp");
        var signOffs = writer.Table("SignOffs",
            "Id", "AssessmentId", "Decision", "SignedByUserId", "SignedByName", "SignedByRole", "SignedAt", "HazardLogReference", "ClinicalSafetyNotes",
            "Reasons", "Attestation", "Snapshot", "Seal", "IsVoid", "VoidedAt", "VoidReason");
        var conditions = writer.Table("SignOffCondition", "Id", "SignOffId", "Text", "Owner", "DueDate");
        var scores = writer.Table("AssessmentScores", "AssessmentId", "Rag", "OverallPercent", "ReviewOn", "InputsStamp", "CalculatedFromStamp", "CalculatedAt");
        var publications = writer.Table("RegisterPublications", "Id", "AssessmentId", "PublishedAt", "PublishedByUserId", "WithdrawnAt", "WithdrawnByUserId");
        var audit = writer.Table("AuditEvents",
            "OccurredAt", "ActorUserId", "ActorName", "ActorRole", "Action", "EntityType", "EntityId", "Summary", "Before", "After",
            "AssessmentId", "Sequence", "PreviousHash", "Hash");

        // Ids after the seeder's own (the demo data has a few products) and the assessments above.
        var productId = writer.MaxId("Products");
        var versionId = writer.MaxId("ProductVersions");
        var conditionId = writer.MaxId("SignOffCondition");
        var publicationId = writer.MaxId("RegisterPublications");
        var bench = suppliers.Skip(2).ToList();
        var productList = new List<(int Id, SupplierParty Supplier, string Name)>();
        foreach (var supplier in bench)
        {
            for (var k = 0; k < 8; k++)
            {
                var name = $"{supplier.Name.Split(' ')[0]} {Systems[k % Systems.Length]}";
                products.Add(++productId, supplier.Id, name, $"The {Systems[k % Systems.Length].ToLowerInvariant()} from {supplier.Name}.", now.AddYears(-3), Stamp());
                productList.Add((productId, supplier, name));
            }
        }

        var assessmentId = last.Assessment;
        var signOffId = last.SignOff;
        for (var i = 0; i < size.PublishedVersions; i++)
        {
            var (productOf, supplier, productName) = productList[i % productList.Count];
            var label = $"{1 + i / productList.Count}.0";
            var released = DateOnly.FromDateTime(now).AddDays(-_random.Next(60, 900));
            versions.Add(++versionId, productOf, label, released, null, now.AddDays(-_random.Next(60, 900)), Stamp());

            var organisation = organisations[2 + i % (organisations.Count - 2)];
            var id = ++assessmentId;
            var reference = $"OAP-{id:D5}";
            var withConditions = _random.Next(5) == 0;
            var status = withConditions ? AssessmentStatus.SignedOffWithConditions : AssessmentStatus.SignedOff;
            var created = now.AddDays(-_random.Next(60, 720));
            var signedAt = created.AddDays(_random.Next(20, 50));
            var due = DateOnly.FromDateTime(created).AddDays(30);
            assessments.Add(id, organisation.Id, organisation.OfficerId, frameworkVersionId, status.ToString(), nameof(AssessmentRoute.Procure), 0, true,
                productName, supplier.Id, productName, label, versionId, $"The procurement of {productName} {label} by {organisation.Name}.",
                $"PR-{created.Year}-{id % 997:D3}", due, due.AddDays(120), 6, true, created.AddHours(2), created, signedAt, null, Stamp());
            var decision = withConditions ? SignOffDecision.ApprovedWithConditions : SignOffDecision.Approved;
            var snapshot = $"{{\"assessment\":\"{reference}\",\"requirements\":0,\"version\":{frameworkVersionId}}}";
            signOffs.Add(++signOffId, id, decision.ToString(), organisation.CcioId, organisation.CcioName, PortalRoles.CcioReviewer, signedAt,
                $"HAZ-{id:D5}", "Integrations reviewed against the hazard log; no new hazards introduced.", null,
                "I have reviewed the evidence and the review decisions and I am satisfied the result is accurate.", snapshot, Hash(snapshot), false, null, null);
            if (withConditions)
            {
                conditions.Add(++conditionId, signOffId, "Publish the remaining API documentation openly before go-live.", supplier.Name,
                    DateOnly.FromDateTime(signedAt).AddDays(90));
            }

            var stamp = Stamp();
            scores.Add(id, null, null, null, stamp, stamp, signedAt);
            Audit(audit, signedAt, organisation.CcioId, organisation.CcioName, PortalRoles.CcioReviewer, "AssessmentSignedOff",
                nameof(Assessment), reference, $"{organisation.CcioName} recorded the sign-off decision {decision} on {reference}.",
                "Awaiting sign-off", status.ToString(), id);
            var publishedAt = signedAt.AddDays(_random.Next(0, 10));
            publications.Add(++publicationId, id, publishedAt, organisation.OfficerId, null, null);
            Audit(audit, publishedAt, organisation.OfficerId, organisation.OfficerName, PortalRoles.ProcurementOfficer, "PublishedToRegister",
                nameof(Assessment), id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{organisation.OfficerName} published the status of {reference} ({productName}) on the public register.", null, null, id);
        }
    }

    private sealed class Ids
    {
        public int Assessment;
        public int Function;
        public int Requirement;
        public int Invitation;
        public int Response;
        public int Evidence;
        public int Decision;
        public int Comment;
        public int SignOff;
        public int Condition;
        public long Notification;
    }

    private void Audit(Writer.Insert audit, DateTime at, int userId, string name, string role, string action, string entityType, string entityId,
        string summary, string? before, string? after, int assessmentId)
    {
        var e = new AuditEvent
        {
            OccurredAt = at, ActorUserId = userId, ActorName = name, ActorRole = role, Action = action, EntityType = entityType, EntityId = entityId,
            Summary = summary, Before = before, After = after, AssessmentId = assessmentId, Sequence = ++_auditSequence, PreviousHash = _auditPrevious,
        };
        e.Hash = AuditChain.ComputeHash(e);
        _auditPrevious = e.Hash;
        audit.Add(e.OccurredAt, e.ActorUserId, e.ActorName, e.ActorRole, e.Action, e.EntityType, e.EntityId, e.Summary, e.Before, e.After,
            e.AssessmentId, e.Sequence, e.PreviousHash, e.Hash);
    }

    /// <summary>Most assessments are procurements, then developments, then upgrades; conditions vary at random.</summary>
    private Scope RouteMix(List<Scope> scopes)
    {
        var route = _random.Next(10) switch { < 5 => AssessmentRoute.Procure, < 8 => AssessmentRoute.Develop, _ => AssessmentRoute.Upgrade };
        var onRoute = scopes.Where(s => s.Route == route).ToList();
        return onRoute[_random.Next(onRoute.Count)];
    }

    private ComplianceClaim Claim() => _random.Next(100) switch
    {
        < 65 => ComplianceClaim.Meets,
        < 80 => ComplianceClaim.PartiallyMeets,
        < 85 => ComplianceClaim.DoesNotMeet,
        < 92 => ComplianceClaim.NotApplicable,
        _ => ComplianceClaim.WillMeetByDate,
    };

    private ReviewOutcome Outcome(AssessmentStatus status) => status switch
    {
        AssessmentStatus.ClarificationRequested when _random.Next(8) == 0 => ReviewOutcome.ClarificationRequested,
        AssessmentStatus.UnderReview when _random.Next(12) == 0 => ReviewOutcome.ClarificationRequested,
        _ when _random.Next(15) == 0 => ReviewOutcome.Rejected,
        _ => ReviewOutcome.Accepted,
    };

    private static string EvidenceKind(int index) => index switch
    {
        0 => nameof(EvidenceItemKind.Documentation),
        1 => nameof(EvidenceItemKind.OpenApiSpecification),
        2 => nameof(EvidenceItemKind.TestEnvironment),
        _ => nameof(EvidenceItemKind.ServiceLevel),
    };

    /// <summary>Every workflow status, weighted roughly as a live portal would hold them.</summary>
    private static AssessmentStatus[] WeightedStatuses()
    {
        (AssessmentStatus Status, int Weight)[] mix =
        [
            (AssessmentStatus.Draft, 8), (AssessmentStatus.AwaitingSupplier, 20), (AssessmentStatus.Submitted, 8), (AssessmentStatus.UnderReview, 10),
            (AssessmentStatus.ClarificationRequested, 7), (AssessmentStatus.AwaitingSignOff, 7), (AssessmentStatus.SignedOff, 20),
            (AssessmentStatus.SignedOffWithConditions, 8), (AssessmentStatus.Rejected, 5), (AssessmentStatus.Withdrawn, 7),
        ];
        return mix.SelectMany(m => Enumerable.Repeat(m.Status, m.Weight)).ToArray();
    }

    /// <summary>The assessment page the load run and the circuits open: the demo trust's, fully answered, with the most requirements.</summary>
    private static async Task<(int Id, int Requirements)> PageAssessmentAsync(SqliteConnection connection, int demoTrustId)
    {
        var row = await ScalarRowAsync(connection, $"""
            SELECT a.Id, COUNT(r.Id) FROM Assessments a JOIN AssessmentRequirements r ON r.AssessmentId = a.Id AND r.InScope = 1
            WHERE a.NhsOrganisationId = {demoTrustId} AND a.Status = 'SignedOff'
            GROUP BY a.Id ORDER BY COUNT(r.Id) DESC, a.Id LIMIT 1
            """) ?? throw new InvalidOperationException("The seeded data has no signed-off assessment for the demo trust.");
        return (Convert.ToInt32(row[0], System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt32(row[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string Stamp() => Guid.NewGuid().ToString().ToUpperInvariant();

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> IntAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<object[]?> ScalarRowAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var values = new object[reader.FieldCount];
        reader.GetValues(values);
        return values;
    }

    private static async Task<List<int>> IdsAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<int>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    /// <summary>Prepared INSERT commands, one per table, reused for every row inside the one transaction.</summary>
    private sealed class Writer(SqliteConnection connection, SqliteTransaction transaction, Dictionary<string, long> rows)
    {
        public Insert Table(string table, params string[] columns)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
                $"VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
            var parameters = columns.Select((_, i) => command.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
            command.Prepare();
            rows.TryAdd(table, 0);
            return new Insert(command, parameters, () => rows[table]++);
        }

        /// <summary>The table's largest id so far, inside the transaction (0 when empty).</summary>
        public int MaxId(string table)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT COALESCE(MAX(\"Id\"), 0) FROM \"{table}\"";
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

                public sealed class Insert(SqliteCommand command, SqliteParameter[] parameters, Action counted)
        {
            public void Add(params object?[] values)
            {
                for (var i = 0; i < parameters.Length; i++)
                {
                    parameters[i].Value = values[i] ?? DBNull.Value;
                }

                command.ExecuteNonQuery();
                counted();
            }
        }
    }
}
