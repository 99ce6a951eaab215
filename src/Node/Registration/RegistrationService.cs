using Federation.Node.Errors;
using Federation.Protocol.V1;
using Federation.Standards;
using Federation.Store;
using Federation.Store.Registration;

namespace Federation.Node.Registration;

/// <summary>
/// The registration service's RPCs (proto/federation/v1/registration.proto; docs/registration.md):
/// the national platform's and the local offices' calls, and the two node-to-node streams a
/// parent opens on its child — applications down, the change feed up.
/// </summary>
internal sealed class RegistrationService(RegistrationDesk desk, FeedCheck check, ISealedPeriods periods, NodeIdentity identity, RegistrationSignals signals)
    : Protocol.V1.Registration.RegistrationBase
{
    // A feed entry is small (one registration and/or one application); a batch bounds each read.
    private const int FeedBatch = 500;

    public override Task<SubmitApplicationResponse> SubmitApplication(SubmitApplicationRequest request, ServerCallContext context)
    {
        var (application, duplicate) = desk.Submit(request);
        return Task.FromResult(new SubmitApplicationResponse { Application = RegistrationMessages.ToMessage(application, desk.Today), Duplicate = duplicate });
    }

    public override Task<ApplicationResponse> DecideApplication(DecideApplicationRequest request, ServerCallContext context) =>
        Task.FromResult(new ApplicationResponse { Application = RegistrationMessages.ToMessage(desk.Decide(request.ApplicationId, request.Accept, request.RefusalReason, request.DecidedOn), desk.Today) });

    public override Task<ApplicationResponse> RecordContact(RecordContactRequest request, ServerCallContext context) =>
        Task.FromResult(new ApplicationResponse { Application = RegistrationMessages.ToMessage(desk.Contact(request.ApplicationId, request.ContactedOn), desk.Today) });

    public override Task<RegistrationResponse> RegisterLocally(RegisterLocallyRequest request, ServerCallContext context)
    {
        var (registration, merged, provisional) = desk.RegisterLocally(request);
        return Task.FromResult(new RegistrationResponse { Registration = RegistrationMessages.ToMessage(registration), Merged = merged, Provisional = provisional });
    }

    public override Task<RegistrationResponse> RecordExit(RecordExitRequest request, ServerCallContext context) =>
        Task.FromResult(new RegistrationResponse { Registration = RegistrationMessages.ToMessage(desk.Exit(request)) });

    public override Task<ListApplicationsResponse> ListApplications(ListApplicationsRequest request, ServerCallContext context)
    {
        if (request.Status.Length > 0 && request.Status is not (ApplicationRecord.Pending or ApplicationRecord.Accepted or ApplicationRecord.Refused))
        {
            throw RequestFields.Invalid($"status must be pending, accepted or refused, got '{request.Status}'");
        }
        if (request.Limit is < 0 or > 1000)
        {
            throw RequestFields.Invalid($"limit must be 1 … 1000 (0 = 100), got {request.Limit}");
        }
        var today = desk.Today;
        var response = new ListApplicationsResponse();
        response.Applications.AddRange(desk.Journal.ListApplications(request.Status, request.CityDivision, request.OverdueOnly, today, request.Limit == 0 ? 100 : request.Limit)
            .Select(a => RegistrationMessages.ToMessage(a, today)));
        response.Cities.AddRange(Backlog(desk.Journal, today).Where(c => request.CityDivision.Length == 0 || c.CityDivision == request.CityDivision));
        return Task.FromResult(response);
    }

    public static IEnumerable<CityBacklog> Backlog(IRegistrationJournal journal, DateOnly today) =>
        journal.Backlog(today).Select(c => new CityBacklog { CityDivision = c.CityDivision, Pending = c.Pending, DecisionOverdue = c.DecisionOverdue, ContactOverdue = c.ContactOverdue });

    public override Task<CheckFeedResponse> CheckFeed(CheckFeedRequest request, ServerCallContext context) =>
        Task.FromResult(check.Check(RequestFields.SealedPeriod(periods, identity.Id, request.Period)));

    /// <summary>The child's side of applications down: its cursor first, then each committed delivery's.</summary>
    public override async Task DeliverApplications(IAsyncStreamReader<ApplicationDelivery> requestStream, IServerStreamWriter<ApplicationCursor> responseStream, ServerCallContext context)
    {
        var cursor = desk.Journal.ParentCursor();
        var indexCursor = desk.Journal.ParentIndexCursor();
        // With it, the cities with a node here or below: the ministry refuses what no node serves;
        // and the position in the parent's index (the same epoch).
        var first = new ApplicationCursor { AfterSeq = cursor.Seq, Epoch = cursor.Epoch.Length > 0 ? cursor.Epoch : indexCursor.Epoch, IndexAfterSeq = indexCursor.Seq };
        first.Serves.AddRange(identity.Level == Configuration.NodeLevel.City ? [identity.DivisionCode] : identity.Children.Select(c => c.DivisionCode));
        await responseStream.WriteAsync(first, context.CancellationToken);
        var jurisdiction = DivisionTable.Default.JurisdictionOf(identity.DivisionCode);
        // While this stream is open the index is current: local registrations are not provisional.
        using var open = signals.ParentStreamOpen();
        await foreach (var delivery in requestStream.ReadAllAsync(context.CancellationToken))
        {
            if (delivery.Application is null && delivery.Index.Count > 0)
            {
                try
                {
                    desk.ReceiveIndexFromParent(delivery);
                }
                catch (Federation.Store.Registration.JournalEpochException ex)
                {
                    throw new Errors.PreconditionFailedException(ex.Message);
                }
                await responseStream.WriteAsync(new ApplicationCursor { AfterSeq = desk.Journal.ParentCursor().Seq, Epoch = delivery.Epoch, IndexAfterSeq = desk.Journal.ParentIndexCursor().Seq },
                    context.CancellationToken);
                continue;
            }
            if (delivery.Application is null || !jurisdiction.Contains(delivery.Application.PlaceDivision))
            {
                throw RequestFields.Invalid($"application {delivery.Application?.ApplicationId} at seq {delivery.Seq} is not for this node's jurisdiction {identity.DivisionCode}");
            }
            try
            {
                desk.ReceiveFromParent(delivery);
            }
            catch (Federation.Store.Registration.JournalEpochException ex)
            {
                throw new Errors.PreconditionFailedException(ex.Message);
            }
            await responseStream.WriteAsync(new ApplicationCursor { AfterSeq = delivery.Seq, Epoch = delivery.Epoch }, context.CancellationToken);
        }
    }

    /// <summary>The child's side of the feed: every change after the parent's cursor, then each new one as it is recorded, until the parent hangs up.</summary>
    public override async Task FollowChanges(FollowChangesRequest request, IServerStreamWriter<Change> responseStream, ServerCallContext context)
    {
        if (request.AfterSeq < 0)
        {
            throw RequestFields.Invalid($"after_seq must be 0 or more, got {request.AfterSeq}");
        }
        // A parent ahead of this feed means the feed went back in time (a journal restored from a
        // backup): following it would hand out sequence numbers the parent has already applied to
        // other changes, and it would skip them as duplicates. Refused, loudly, instead.
        var epoch = desk.Journal.Epoch;
        if (request.Epoch.Length > 0 && request.Epoch != epoch)
        {
            throw new Errors.PreconditionFailedException(
                $"the parent's cursor counts in this node's journal epoch {request.Epoch}, but the journal is epoch {epoch}: it was replaced. See docs/registration.md, \"Restoring\".");
        }
        var head = desk.Journal.FeedHead();
        if (request.AfterSeq > head)
        {
            throw new Errors.PreconditionFailedException(
                $"the parent's cursor {request.AfterSeq} is ahead of this node's feed (head {head}): was the registration journal restored from a backup? See docs/registration.md, \"Restoring\".");
        }
        var cursor = request.AfterSeq;
        var stop = context.CancellationToken;
        // Headers at once, not with the first change: the parent knows it is connected even when
        // nothing has happened yet.
        await context.WriteResponseHeadersAsync([]);
        while (!stop.IsCancellationRequested)
        {
            // Taken before reading: a change recorded while this batch is sent wakes the next wait.
            var next = signals.Feed.Next();
            var batch = desk.Journal.FeedAfter(cursor, FeedBatch);
            foreach (var entry in batch)
            {
                var change = Change.Parser.ParseFrom(entry.Body);
                change.Seq = entry.Seq;
                change.FeedEpoch = epoch;
                await responseStream.WriteAsync(change, stop);
                cursor = entry.Seq;
            }
            if (batch.Count < FeedBatch)
            {
                try
                {
                    await next.WaitAsync(stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
