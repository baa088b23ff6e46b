using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portal.Components.Shared;

namespace Portal.Tests.Components;

/// <summary>
/// A page's "not found" branch answers 404 (AssessmentPageBrowserTests sees it in a browser); a page whose data came
/// after a first render showed that branch once and then the thing found, which must answer 200.
/// </summary>
public sealed class NotFoundStatusTests : BunitContext
{
    // Keeps what would run as the response starts, as a server does, so the test can start it.
    private sealed class StartingResponse : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _starting = [];

        public override void OnStarting(Func<object, Task> callback, object state) => _starting.Add((callback, state));

        public async Task StartAsync()
        {
            foreach (var (callback, state) in _starting)
            {
                await callback(state);
            }
        }
    }

    // A page that shows "not found" until its data has come.
    private sealed class LoadingPage : ComponentBase
    {
        private bool _loaded;

        public void Load()
        {
            _loaded = true;
            StateHasChanged();
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            if (!_loaded)
            {
                builder.OpenComponent<NotFoundStatus>(0);
                builder.CloseComponent();
            }
        }
    }

    private static (HttpContext Http, StartingResponse Response) Request()
    {
        var http = new DefaultHttpContext();
        var response = new StartingResponse();
        http.Features.Set<IHttpResponseFeature>(response);
        return (http, response);
    }

    private IRenderedComponent<LoadingPage> RenderPage(HttpContext http) =>
        Render<CascadingValue<HttpContext>>(p => p.Add(c => c.Value, http).Add(c => c.IsFixed, true).Add(c => c.ChildContent, (RenderFragment)(builder =>
        {
            builder.OpenComponent<LoadingPage>(0);
            builder.CloseComponent();
        }))).FindComponent<LoadingPage>();

    [Fact]
    public async Task A_page_that_says_not_found_answers_404()
    {
        var (http, response) = Request();

        RenderPage(http);
        await response.StartAsync();

        Assert.Equal(StatusCodes.Status404NotFound, http.Response.StatusCode);
    }

    [Fact]
    public async Task A_page_that_said_not_found_before_its_data_came_and_then_found_it_answers_200()
    {
        var (http, response) = Request();

        var page = RenderPage(http);
        await page.InvokeAsync(page.Instance.Load);
        await response.StartAsync();

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
    }

    [Fact]
    public async Task A_redirect_decided_after_it_rendered_keeps_its_status()
    {
        var (http, response) = Request();

        RenderPage(http);
        http.Response.StatusCode = StatusCodes.Status302Found;
        await response.StartAsync();

        Assert.Equal(StatusCodes.Status302Found, http.Response.StatusCode);
    }
}
