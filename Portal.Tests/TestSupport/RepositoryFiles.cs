namespace Portal.Tests.TestSupport;

/// <summary>The repository's own files, for tests that read them (conventions, deployment files) or write beside them.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding Portal.sln, found upwards from the test output.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root (Portal.sln) was not found above the test output.");
    }
}
