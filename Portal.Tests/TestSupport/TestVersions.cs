using Portal.Features;

namespace Portal.Tests.TestSupport;

/// <summary>Versions a test passes to a command that takes the version the person read.</summary>
public static class TestVersions
{
    /// <summary>Any version, as an API client's <c>If-Match: *</c>: for a test's set-up steps, which are not about concurrency.</summary>
    public static readonly ReadVersion Any = new(null, Any: true);
}
