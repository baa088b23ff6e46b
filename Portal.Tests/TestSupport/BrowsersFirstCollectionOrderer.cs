using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Portal.Tests.TestSupport.BrowsersFirstCollectionOrderer", "Portal.Tests")]

namespace Portal.Tests.TestSupport;

/// <summary>
/// Starts the two browser collections first. xUnit runs as many collections at once as it has threads (two on CI's 2
/// cores) and starts the next only when one ends, in this order. The browser collections are by far the longest (about
/// 13 minutes each); started first, one on each thread, the hundreds of short collections fill in beside them. Left to
/// xUnit's own order, one thread ran one browser collection while the other ran the short ones, and the second browser
/// collection started only when the first had ended (at minute 18 of 33), as if they were still one.
/// </summary>
public sealed class BrowsersFirstCollectionOrderer : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections
            .OrderBy(c => c.DisplayName is BrowserCollection.Name or SecondBrowserCollection.Name ? 0 : 1)
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
