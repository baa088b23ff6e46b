using Microsoft.Extensions.Configuration;
using Portal.Features.Evidence;
using Portal.Hosting;

namespace Portal.Tests.Features.Evidence;

/// <summary>
/// With several instances, documents kept in a folder of each instance's own would be found only by the instance that
/// took the upload: a reviewer on the other would get "not found". Outside Development that refuses start-up, as
/// unshared Data Protection keys do, unless the folder is said to be shared or the store is Blob Storage.
/// </summary>
public sealed class EvidenceStoreInstancesTests
{
    private static void Check(bool development, params (string Key, string Value)[] settings) =>
        EvidenceStoreRegistration.RefuseUnsharedFolderAcrossInstances(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(),
            development);

    [Fact]
    public void Several_instances_with_documents_in_a_folder_of_their_own_refuse_to_start_naming_the_settings()
    {
        var refused = Assert.Throws<PortalConfigurationException>(() => Check(false, ("Hosting:Instances", "2")));

        Assert.Contains("Hosting:Instances is 2", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Evidence:Store=Blob", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Evidence:SharedFolder=true", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "1", "Folder", null)]
    [InlineData(false, "2", "Blob", null)]
    [InlineData(false, "2", "Folder", "true")]
    [InlineData(true, "2", "Folder", null)]
    public void One_instance_blob_storage_a_shared_folder_or_development_start(bool development, string instances, string store, string? shared)
    {
        var settings = new List<(string, string)> { ("Hosting:Instances", instances), ("Evidence:Store", store) };
        if (shared is not null)
        {
            settings.Add(("Evidence:SharedFolder", shared));
        }

        Check(development, [.. settings]);
    }
}
