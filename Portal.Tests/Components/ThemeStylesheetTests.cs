using System.Text;
using System.Text.RegularExpressions;
using Bunit;
using MudBlazor;
using MudBlazor.Services;
using Portal.Components.Layout;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

/// <summary>
/// The portal's theme is a static stylesheet (<c>wwwroot/theme.css</c>, linked by App.razor, fingerprinted, compressed
/// and cached for a year like every asset), not a <c>MudThemeProvider</c> in the layouts building the same CSS as a
/// string for every circuit. The file must be exactly what MudThemeProvider would render for <see cref="PortalTheme"/>:
/// this fails when the theme or MudBlazor changes, and <c>PORTAL_WRITE_THEME_CSS=1</c> rewrites the file.
/// </summary>
public sealed partial class ThemeStylesheetTests
{
    private const string Header =
        "/* Generated from Portal/Components/Layout/PortalTheme.cs as MudBlazor's MudThemeProvider renders it. Do not edit:\n" +
        "   PORTAL_WRITE_THEME_CSS=1 dotnet test Portal.Tests --filter ThemeStylesheetTests rewrites it. */\n";

    [Fact]
    public void The_theme_stylesheet_is_what_MudThemeProvider_renders_for_the_portal_theme()
    {
        var expected = Header + ThemeCss();
        var path = Path.Combine(RepositoryFiles.Root, "Portal", "wwwroot", "theme.css");
        if (Environment.GetEnvironmentVariable("PORTAL_WRITE_THEME_CSS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests with PORTAL_WRITE_THEME_CSS=1 to write it.");
        Assert.True(
            File.ReadAllText(path).ReplaceLineEndings("\n") == expected,
            $"{path} is not what MudThemeProvider renders for PortalTheme (the theme or MudBlazor changed): run the tests with PORTAL_WRITE_THEME_CSS=1 to rewrite it.");
    }

    [Fact]
    public void No_layout_builds_the_theme_per_circuit()
    {
        var layouts = Path.Combine(RepositoryFiles.Root, "Portal", "Components", "Layout");
        foreach (var file in Directory.GetFiles(layouts, "*.razor"))
        {
            Assert.False(File.ReadAllText(file).Contains("<MudThemeProvider", StringComparison.Ordinal),
                $"{Path.GetFileName(file)} renders MudThemeProvider: the theme comes from wwwroot/theme.css.");
        }
    }

    private static string ThemeCss()
    {
        using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        var provider = context.Render<MudThemeProvider>(parameters => parameters
            .Add(p => p.Theme, PortalTheme.Create())
            .Add(p => p.ObserveSystemDarkModeChange, false));
        var css = new StringBuilder();
        foreach (Match style in StyleElement().Matches(provider.Markup))
        {
            css.Append(style.Groups["css"].Value.Trim().ReplaceLineEndings("\n")).Append('\n');
        }

        Assert.Contains("--mud-palette-primary:", css.ToString(), StringComparison.Ordinal);
        return css.ToString();
    }

    [GeneratedRegex("<style[^>]*>(?<css>.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();
}
