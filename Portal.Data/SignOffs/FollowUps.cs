namespace Portal.Data.SignOffs;

/// <summary>Who owns a sign-off condition: the assessing NHS organisation or the supplier.</summary>
public enum FollowUpParty
{
    Organisation,
    Supplier,
}

/// <summary>
/// Where a follow-up (a sign-off condition, or an accepted "will meet by a date" plan) is in being closed: open, marked
/// done by its owner and waiting for the procurement officer, or accepted as done. Sent back, it is open again.
/// </summary>
public enum ClosureState
{
    Open,
    MarkedDone,
    Accepted,
}

/// <summary>
/// What closing a follow-up records, the same for a sign-off condition and a plan: the owner's note and link or
/// document reference when marking it done, and the officer's decision (accepted, or sent back with a reason).
/// </summary>
public interface IClosable
{
    ClosureState ClosureState { get; set; }

    string? ClosureNote { get; set; }

    string? ClosureLink { get; set; }

    DateTime? ClosureMarkedAt { get; set; }

    string? ClosureMarkedBy { get; set; }

    DateTime? ClosureDecidedAt { get; set; }

    string? ClosureDecidedBy { get; set; }

    string? ClosureSentBackReason { get; set; }
}
