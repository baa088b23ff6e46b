namespace Portal.Api;

/// <summary>The conventions every operation follows, as the OpenAPI document's description states them.</summary>
public static class ApiGuide
{
    public const string Markdown = """
        Everything the portal's pages do with the policy catalogue, assessments, answers, evidence, review, sign-off state,
        scorecards and the audit trail, through the same rules: the API allows exactly what the portal allows you.

        **Getting started.** Create a personal access token at `/account/tokens` (or, on a development instance, use
        the demo token shown on the sign-in page), then call `GET /api/v1/me` with `Authorization: Bearer <token>`.
        A worked example with curl is at `/api/getting-started`.

        **Authentication.** Bearer tokens only: a personal access token (`oap_…`; read-only tokens are refused on any
        write with 403), or, in production, an Entra ID access token for the portal's app registration carrying the
        person's app role. Browser cookies never sign in an API call.

        **JSON.** Field names are camelCase and stable within version 1; enumerations are their names (for example
        `AwaitingSupplier`, `Meets`); dates are `yyyy-mm-dd`, times ISO 8601 in UTC. A request body with a field the
        operation does not know, a value of the wrong type or a missing required field is refused with 400.

        **Errors.** Every error is an RFC 9457 problem details body (`application/problem+json`) whose `detail` says
        what to do; request validation errors add `errors`, keyed by field.

        **Paging.** Lists take `page` (from 1) and `pageSize` (1 to 100, default 25) and answer
        `{ items, page, pageSize, total }`.

        **Concurrency.** Reads carry an `ETag`. A write to something that already holds data needs `If-Match` with
        the ETag you read: without it 428, with a stale one 412, and nothing is overwritten.

        **Fair use.** Each token may make a set number of requests a minute (see `/api/changelog` for the current
        figure); past it the API answers 429 with `Retry-After`.

        **Versions.** Version 1 only ever changes compatibly. A breaking change means `/api/v2`, announced on
        `/api/changelog` with at least 12 months' overlap before version 1 is retired.
        """;
}
