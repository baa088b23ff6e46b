using Microsoft.AspNetCore.Http;
using Portal.Hosting;
using Serilog.Events;

namespace Portal.Tests.Hosting;

/// <summary>A request the client stopped (a download cancelled, a tab closed) is not logged as the portal's error.</summary>
public sealed class RequestLoggingTests
{
    private static DefaultHttpContext Request(bool aborted, int status = StatusCodes.Status200OK)
    {
        var http = new DefaultHttpContext();
        http.Response.StatusCode = status;
        if (aborted)
        {
            var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            http.RequestAborted = cancelled.Token;
        }

        return http;
    }

    [Fact]
    public void A_download_the_client_stopped_is_information_not_an_error()
    {
        Assert.Equal(LogEventLevel.Information, LoggingSetup.RequestLevel(Request(aborted: true), 12, new OperationCanceledException()));
        Assert.Equal(LogEventLevel.Information, LoggingSetup.RequestLevel(Request(aborted: true), 12, new TaskCanceledException()));
    }

    [Fact]
    public void A_cancellation_the_client_did_not_ask_for_is_still_an_error()
    {
        Assert.Equal(LogEventLevel.Error, LoggingSetup.RequestLevel(Request(aborted: false), 12, new OperationCanceledException()));
    }

    [Fact]
    public void Failures_and_server_errors_are_errors_and_the_rest_information()
    {
        Assert.Equal(LogEventLevel.Error, LoggingSetup.RequestLevel(Request(aborted: false), 12, new InvalidOperationException()));
        Assert.Equal(LogEventLevel.Error, LoggingSetup.RequestLevel(Request(aborted: false, StatusCodes.Status503ServiceUnavailable), 12, null));
        Assert.Equal(LogEventLevel.Information, LoggingSetup.RequestLevel(Request(aborted: false, StatusCodes.Status404NotFound), 12, null));
    }
}
