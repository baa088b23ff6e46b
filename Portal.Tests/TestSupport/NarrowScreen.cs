using Microsoft.Playwright;

namespace Portal.Tests.TestSupport;

/// <summary>Checks for a page at phone width (WCAG 1.4.10 reflow, 320 px): nothing scrolls sideways, no label breaks inside a word.</summary>
public static class NarrowScreen
{
    public static async Task AssertNoSidewaysScrollAsync(IPage page)
    {
        // MudBlazor moves the navigation drawer out of the way at phone width after a round trip to the server, so
        // right after the window narrows the page may still be laid out for a wide screen: wait for it to reflow
        // (Playwright's usual wait, up to its timeout), then report what is still too wide.
        try
        {
            await page.WaitForFunctionAsync("() => document.documentElement.scrollWidth <= window.innerWidth", null, new() { Timeout = 5000 });
        }
        catch (TimeoutException)
        {
            // The assertion below names what does not fit.
        }

        var wider = await page.EvaluateAsync<string>(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-3)"
            + ".map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 60)).join(' | ')");
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= await page.EvaluateAsync<int>("() => window.innerWidth"), $"{page.Url} is {width} px wide: {wider}");
    }

    /// <summary>
    /// Every column name shown beside a stacked table cell (its <c>data-label</c>, drawn before the value) is at least as
    /// wide as its longest word, so "System" never reads "Syste m".
    /// </summary>
    public static async Task AssertCellLabelsUnbrokenAsync(IPage page)
    {
        var broken = await page.EvaluateAsync<string[]>("""
            () => {
                const context = document.createElement('canvas').getContext('2d');
                return [...document.querySelectorAll('td[data-label]')].filter(td => td.offsetParent !== null && td.dataset.label).flatMap(td => {
                    const label = getComputedStyle(td, '::before');
                    if (label.content === 'none' || label.content === 'normal') return [];
                    context.font = `${label.fontWeight} ${label.fontSize} ${label.fontFamily}`;
                    const longestWord = Math.max(...td.dataset.label.split(/\s+/).map(w => context.measureText(w).width));
                    const padding = label.boxSizing === 'border-box' ? parseFloat(label.paddingLeft) + parseFloat(label.paddingRight) : 0;
                    const room = parseFloat(label.width) - padding;
                    return room + 0.5 < longestWord ? [`"${td.dataset.label}" has ${room.toFixed(1)} px for a ${longestWord.toFixed(1)} px word`] : [];
                });
            }
            """);
        Assert.True(broken.Length == 0, $"Column names break inside a word on {page.Url}: {string.Join("; ", broken.Distinct())}");
    }
}
