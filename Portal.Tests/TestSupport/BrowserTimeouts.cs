namespace Portal.Tests.TestSupport;

/// <summary>
/// How long a browser test waits for something it expects: one figure for every browser fixture.
/// </summary>
/// <remarks>
/// A step that never happens still fails; the wait only bounds how long a step that does happen may take. On a 2-core
/// CI machine the suite runs browser tests beside database, mail and two-instance tests, and a Blazor event or a page
/// load that takes under a second alone took more than 15 s there (a search's address change, an OpenID Connect
/// sign-in), so 15 s failed tests whose behaviour was right. 30 s keeps a true hang well inside the suite's budget.
/// </remarks>
public static class BrowserTimeouts
{
    public const float Default = 30_000;
}
