namespace Portal.Features;

/// <summary>
/// What a feature service says back after a change: done, or refused with a message for the person (and, where a
/// field is at fault, which one), or a conflict because someone else saved first.
/// </summary>
public sealed record CommandResult(bool Succeeded, string? Message = null, string? Field = null, bool IsConflict = false)
{
    public static CommandResult Done(string? message = null) => new(true, message);

    public static CommandResult Refused(string message, string? field = null) => new(false, message, field);

    public static CommandResult Conflict(string message) => new(false, message, IsConflict: true);
}

/// <summary>A <see cref="CommandResult"/> that also carries what the command made, such as a new record's id.</summary>
public sealed record CommandResult<T>(bool Succeeded, T? Value, string? Message = null);
