using Portal.Data.Assessments;

namespace Portal.Features.Assessments;

/// <summary>The steps of the guided start, in order.</summary>
public enum StartStep
{
    Route = 1,
    System = 2,
    Conditions = 3,
    Functions = 4,
    Scope = 5,
    Confirm = 6,
}

/// <summary>What a step still needs before the officer can move on, as messages keyed by field.</summary>
public static class AssessmentStartRules
{
    public const int MaxFunctions = 50;

    public static Dictionary<string, string> Problems(Assessment a, StartStep step, DateOnly today)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (step)
        {
            case StartStep.Route when a.Route is null:
                problems["route"] = "Choose whether you are procuring, developing or upgrading the system.";
                break;
            case StartStep.System:
                if (string.IsNullOrWhiteSpace(a.SystemName))
                {
                    problems["systemName"] = "Enter the name of the system.";
                }

                if (a.SupplierId is null)
                {
                    problems["supplier"] = "Choose the supplier whose system this is.";
                }

                if (a.ResponseDueDate is null)
                {
                    problems["responseDueDate"] = "Enter the date the supplier's response is due.";
                }
                else if (a.ResponseDueDate < today)
                {
                    problems["responseDueDate"] = "The response due date must be today or later.";
                }

                break;
            case StartStep.Conditions when !a.ConditionsConfirmed:
                problems["conditions"] = "Say which of these are true of the system; tick none if none are.";
                break;
            case StartStep.Functions when a.Functions.Count == 0:
                problems["functions"] = "Name at least one significant business function the system must expose through an API, for example patient registration.";
                break;
            case StartStep.Scope when !a.ScopeReviewed:
                problems["scope"] = "Review the requirements in scope and confirm the list.";
                break;
        }

        return problems;
    }

    /// <summary>Every problem of every step before confirmation, so the confirm step can link to each.</summary>
    public static List<(StartStep Step, string Message)> AllProblems(Assessment a, DateOnly today) =>
        Enum.GetValues<StartStep>()
            .Where(s => s != StartStep.Confirm)
            .SelectMany(s => Problems(a, s, today).Values.Select(m => (s, m)))
            .ToList();
}
