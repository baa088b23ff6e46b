using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Scorecards;
using Portal.Features.Dashboards;
using Portal.Hosting;

namespace Portal.Tests.TestSupport;

/// <summary>
/// A score worker as one portal instance runs it, for tests that drive its rounds directly instead of waiting for its
/// interval. Keep one per instance being imitated: each has its own lease holder.
/// </summary>
public static class TestScoreWorker
{
    public static ScoreRefreshWorker For(IDbContextFactory<PortalDbContext> contexts, TimeProvider? clock = null, StaleScoreSignal? signal = null)
    {
        var time = clock ?? TimeProvider.System;
        return new ScoreRefreshWorker(contexts, new JobLease(contexts, time), signal ?? new StaleScoreSignal(), time,
            Options.Create(new ScoreOptions()), NullLogger<ScoreRefreshWorker>.Instance);
    }
}
