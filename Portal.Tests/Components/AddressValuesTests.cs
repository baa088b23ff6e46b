using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Components;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

/// <summary>
/// An address is typed, edited, shortened by a chat tool or sent by a stranger: any value in it can be anything. A page
/// that takes a number or a yes/no straight from the address (a typed <see cref="SupplyParameterFromQueryAttribute"/>)
/// shows the error page when the value does not parse, so every value from the address is read as text and the page
/// makes what sense of it it can.
/// </summary>
public sealed class AddressValuesTests(SharedPortal portal) : IClassFixture<SharedPortal>
{
    [Fact]
    public void Every_value_a_page_takes_from_the_address_is_read_as_text()
    {
        var typed = typeof(Program).Assembly.GetTypes()
            .SelectMany(type => type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(property => property.GetCustomAttribute<SupplyParameterFromQueryAttribute>() is not null && property.PropertyType != typeof(string))
            .Select(property => $"{property.DeclaringType!.Name}.{property.Name} ({property.PropertyType.Name})")
            .ToList();

        Assert.Empty(typed);
    }

    [Theory]
    [InlineData("/register?page=abc", "Public register of Open API conformance")]
    [InlineData("/register?page=-3", "Public register of Open API conformance")]
    [InlineData("/register?page=99999999999999999999", "Public register of Open API conformance")]
    [InlineData("/register?page=2.5&search=%00", "Public register of Open API conformance")]
    [InlineData("/sign-in?signedOut=maybe", "Sign in")]
    public async Task A_value_that_makes_no_sense_shows_the_page_not_an_error(string address, string shown)
    {
        using var client = portal.Factory.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(address);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(shown, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
