namespace Portal.Features;

/// <summary>How a command ended. Pages turn it into a message; the API turns it into an HTTP status (see ApiOutcomes).</summary>
public enum OutcomeKind
{
    /// <summary>The change was made.</summary>
    Done,

    /// <summary>What was typed or sent is wrong; <see cref="CommandOutcome.Problems"/> says which field and why. Nothing changed.</summary>
    Invalid,

    /// <summary>The record does not exist, or the caller may not see it (the two are not told apart, so nothing leaks).</summary>
    NotFound,

    /// <summary>The caller can see the record but their role or organisation may not make this change.</summary>
    Forbidden,

    /// <summary>The record's state does not allow the change now (for example answers after submission).</summary>
    Conflict,

    /// <summary>
    /// Someone changed the record since the caller read it (or the caller named no version where a change could be
    /// lost). The outcome carries the current version, so the page can show both and the API can say what changed.
    /// </summary>
    Stale,

    /// <summary>
    /// Something the portal depends on did not answer (for example the virus scanner): nothing changed, the request was
    /// not at fault, and the same request can be tried again later.
    /// </summary>
    Unavailable,
}

/// <summary>
/// What every feature service command returns: done (with what it made or the fresh read model), or refused with a
/// message for the person. One type for every command, so pages and API endpoints only map it, never decide.
/// </summary>
public abstract record CommandOutcome(OutcomeKind Kind, string? Message, IReadOnlyDictionary<string, string> Problems)
{
    public bool Succeeded => Kind == OutcomeKind.Done;

    /// <summary>The first field at fault, for a page that shows one message beside one field.</summary>
    public string? Field => Problems.Keys.FirstOrDefault();

    /// <summary>This refusal, to return from a command that gives back something else.</summary>
    public Refusal AsRefusal() => Succeeded
        ? throw new InvalidOperationException("A command that succeeded is not a refusal.")
        : new(Kind, Message ?? "The change was not made.", Problems);
}

/// <summary>The outcome of a command that makes nothing a caller needs back beyond its message.</summary>
public sealed record Outcome(OutcomeKind Kind, string? Message, IReadOnlyDictionary<string, string> Problems) : CommandOutcome(Kind, Message, Problems)
{
    private static readonly IReadOnlyDictionary<string, string> NoProblems = new Dictionary<string, string>();

    public static Outcome Done(string? message = null) => new(OutcomeKind.Done, message, NoProblems);

    public static Outcome<T> Done<T>(T value, string? message = null) => new(OutcomeKind.Done, message, NoProblems, value, default);

    /// <summary>One field is wrong. With no field, the request as a whole is wrong (for example an empty selection).</summary>
    public static Refusal Invalid(string message, string? field = null) =>
        new(OutcomeKind.Invalid, message, field is null ? NoProblems : new Dictionary<string, string> { [field] = message });

    /// <summary>Several fields are wrong at once, each with its own message, as a form shows them.</summary>
    public static Refusal Invalid(IReadOnlyDictionary<string, string> problems, string? message = null) =>
        new(OutcomeKind.Invalid, message ?? problems.Values.FirstOrDefault() ?? "Check what you entered.", problems);

    public static Refusal NotFound(string message) => new(OutcomeKind.NotFound, message, NoProblems);

    public static Refusal Forbidden(string message) => new(OutcomeKind.Forbidden, message, NoProblems);

    public static Refusal Conflict(string message) => new(OutcomeKind.Conflict, message, NoProblems);

    /// <summary>Someone changed it first: <paramref name="current"/> is what they saved, for the caller to compare.</summary>
    public static Outcome<T> Stale<T>(string message, T current) => new(OutcomeKind.Stale, message, NoProblems, default, current);

    public static Refusal Stale(string message) => new(OutcomeKind.Stale, message, NoProblems);

    public static Refusal Unavailable(string message) => new(OutcomeKind.Unavailable, message, NoProblems);

    public static implicit operator Outcome(Refusal refusal) => new(refusal.Kind, refusal.Message, refusal.Problems);
}

/// <summary>The outcome of a command that gives something back: the new record's id, or the fresh read model.</summary>
public sealed record Outcome<T>(OutcomeKind Kind, string? Message, IReadOnlyDictionary<string, string> Problems, T? Value, T? Current)
    : CommandOutcome(Kind, Message, Problems)
{
    public static implicit operator Outcome<T>(Refusal refusal) => new(refusal.Kind, refusal.Message, refusal.Problems, default, default);

    /// <summary>The same outcome carrying something else, for a command that builds on another's result.</summary>
    public Outcome<TOther> With<TOther>(TOther? value) => new(Kind, Message, Problems, value, default);
}

/// <summary>
/// A refusal of any command, whatever it would have given back: it converts to <see cref="Outcome"/> and to every
/// <see cref="Outcome{T}"/>, so a rule shared by several commands is written once.
/// </summary>
public sealed record Refusal(OutcomeKind Kind, string Message, IReadOnlyDictionary<string, string> Problems);

/// <summary>
/// The version of a record that the person last read, so a change never overwrites one they have not seen. Pages
/// pass the stamp they loaded; the API passes the If-Match header.
/// </summary>
public readonly record struct ReadVersion(IReadOnlyList<Guid>? Stamps, bool Any)
{
    /// <summary>The version of something that does not exist yet: it is still "unanswered" when the change lands.</summary>
    public static readonly Guid Nothing = Guid.Empty;

    /// <summary>No version was named: allowed only where nothing can be lost, such as a first answer.</summary>
    public static ReadVersion None => default;

    public static ReadVersion Of(Guid? stamp) => stamp is { } known ? new([known], false) : None;

    /// <summary>
    /// Whether a version was named at all. An API call without If-Match names none; one whose If-Match names only
    /// versions the portal never made still named one, and is stale, not missing.
    /// </summary>
    public bool Named => Any || Stamps is not null;

    public bool Allows(Guid current) => Any || (Stamps?.Contains(current) ?? false);

    /// <summary>
    /// Whether a change to a record now at <paramref name="current"/> may go ahead: the caller named that version, or
    /// named none and there is nothing to lose.
    /// </summary>
    public bool Permits(Guid current, bool somethingToLose) => Named ? Allows(current) : !somethingToLose;
}
