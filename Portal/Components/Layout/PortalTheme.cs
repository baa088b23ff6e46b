using MudBlazor;

namespace Portal.Components.Layout;

/// <summary>MudBlazor theme in the NHS identity: NHS Blue #005EB8 and Arial, with text colours that pass WCAG AA contrast.</summary>
public static class PortalTheme
{
    public const string NhsBlue = "#005EB8";
    public const string NhsDarkBlue = "#003087";
    public const string NhsText = "#212B32";
    public const string NhsSecondaryText = "#4C6272";

    private static readonly string[] Arial = ["Arial", "Helvetica Neue", "Helvetica", "sans-serif"];

    public static MudTheme Create() => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = NhsBlue,
            PrimaryDarken = NhsDarkBlue,
            Secondary = NhsDarkBlue,
            AppbarBackground = NhsBlue,
            AppbarText = "#FFFFFF",
            Background = "#F0F4F5",
            Surface = "#FFFFFF",
            DrawerBackground = "#FFFFFF",
            DrawerText = NhsText,
            TextPrimary = NhsText,
            TextSecondary = NhsSecondaryText,
            Success = "#007F3B",
            Warning = "#8A5A00",
            Error = "#B30E0E",
            Info = NhsBlue,
            ActionDefault = NhsText,
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Arial },
            H1 = new H1Typography { FontFamily = Arial, FontSize = "2rem", FontWeight = "700", LineHeight = "1.25" },
            H2 = new H2Typography { FontFamily = Arial, FontSize = "1.5rem", FontWeight = "700", LineHeight = "1.3" },
            H3 = new H3Typography { FontFamily = Arial, FontSize = "1.25rem", FontWeight = "700", LineHeight = "1.35" },
            H4 = new H4Typography { FontFamily = Arial, FontSize = "1.125rem", FontWeight = "700", LineHeight = "1.4" },
            H5 = new H5Typography { FontFamily = Arial, FontSize = "1rem", FontWeight = "700" },
            H6 = new H6Typography { FontFamily = Arial, FontSize = "1rem", FontWeight = "700" },
            Button = new ButtonTypography { FontFamily = Arial, TextTransform = "none", FontWeight = "600" },
        },
    };
}
