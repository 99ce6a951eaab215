using Federation.Node.Errors;
using Federation.Protocol.V1;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Node.Admin;

/// <summary><c>federation.v1.Admin</c>: what operators ask a node about itself.</summary>
internal sealed class AdminService(NodeIdentity identity, TimeProvider time, Federation.Store.ISealedPeriods store, Federation.Store.IFindings findings, Federation.Store.IChildLinks childLinks,
    Exchange.Parent.ResyncOperations resyncs, Federation.Store.IChildTransfers childSnapshots, Microsoft.Extensions.Options.IOptions<Monitoring.MonitoringOptions> monitoring,
    Registration.RegistrationDesk registrations, Registration.FeedCheck feedCheck, Registration.RegistrationLinks links,
    Federation.Store.Security.AuditWitnesses witnesses, Exchange.Parent.AuditWitnessService witness)
    : Protocol.V1.Admin.AdminBase
{
    public override Task<Operation> TriggerResync(TriggerResyncRequest request, ServerCallContext context)
    {
        if (identity.Children.Count == 0)
        {
            throw new PreconditionFailedException($"Node {identity.Id} has no children to resync.");
        }
        var children = identity.Children.Where(c => request.ChildId.Length == 0 || c.Id == request.ChildId).ToList();
        if (children.Count == 0)
        {
            throw new InvalidRequestException(
                $"child_id '{request.ChildId}' is not a child of {identity.Id}; children: {string.Join(", ", identity.Children.Select(c => c.Id))}");
        }
        return Task.FromResult(resyncs.Start(children, RequestFields.ParseOptionalPeriod(request.Period, "period")));
    }

    public override Task<Operation> GetOperation(GetOperationRequest request, ServerCallContext context) =>
        Task.FromResult(resyncs.Get(request.Id) ?? throw new NotFoundException($"No operation '{request.Id}' on this node (operations are kept in memory, the last 100)."));

    public override Task<ListFindingsResponse> ListFindings(ListFindingsRequest request, ServerCallContext context)
    {
        var manifest = RequestFields.SealedPeriod(store, identity.Id, request.Period);
        if (request.Kind.Length > 0 && !Store.Finding.Kinds.Contains(request.Kind))
        {
            throw RequestFields.Invalid($"kind '{request.Kind}' is not a kind of finding; kinds: {string.Join(", ", Store.Finding.Kinds)}");
        }
        var size = request.PageSize == 0 ? 100 : request.PageSize is >= 1 and <= 1000 ? request.PageSize
            : throw RequestFields.Invalid($"page_size is {request.PageSize}; it must be 0 (default 100) or 1 … 1000");
        var after = FindingsPageToken.Parse(request.PageToken);
        var page = findings.ListFindings(manifest.AsOf, request.Kind.Length == 0 ? null : request.Kind, after, size + 1);
        var response = new ListFindingsResponse { Period = manifest.Period.ToString() };
        foreach (var finding in page.Take(size))
        {
            var proto = new Protocol.V1.Finding { Kind = finding.Kind, Subject = finding.Subject, Detail = finding.Detail };
            proto.Origins.AddRange(finding.Origins);
            response.Findings.Add(proto);
        }
        if (page.Count > size)
        {
            response.NextPageToken = FindingsPageToken.Format(page[size - 1].Kind, page[size - 1].Subject);
        }
        foreach (var (kind, count) in findings.CountFindings(manifest.AsOf))
        {
            response.Counts[kind] = count;
        }
        return Task.FromResult(response);
    }

    public override Task<NodeStatus> GetNodeStatus(GetNodeStatusRequest request, ServerCallContext context)
    {
        var status = new NodeStatus
        {
            NodeId = identity.Id,
            Level = identity.Level switch
            {
                Configuration.NodeLevel.City => Protocol.V1.NodeLevel.City,
                Configuration.NodeLevel.Province => Protocol.V1.NodeLevel.Province,
                _ => Protocol.V1.NodeLevel.Ministry,
            },
            DivisionCode = identity.DivisionCode,
            DivisionName = identity.DivisionName,
            Version = NodeIdentity.Version,
            StartedAt = Timestamp.FromDateTimeOffset(identity.StartedAt),
            Uptime = Duration.FromTimeSpan(time.GetUtcNow() - identity.StartedAt),
        };
        status.ListenAddresses.AddRange(identity.ListenAddresses);
        var manifests = store.ListManifests();
        if (manifests.Count > 0)
        {
            var latest = manifests[^1];
            status.LatestSealed = new SealedPeriod
            {
                Period = latest.Period.ToString(),
                Digest = latest.Digest,
                Records = latest.TotalRecords,
                Findings = latest.Sources.Count == 0 ? 0 : findings.CountFindings(latest.Period).Values.Sum(),
            };
            status.LatestSealed.Sources.AddRange(latest.Sources.Select(s => $"{s.ChildId}@{s.Period}"));
            status.LatestSealed.MergedFrom.AddRange(latest.Sources.Select(s => new MergedSnapshot { ChildId = s.ChildId, Period = s.Period.ToString(), Digest = s.Digest }));
        }
        var links = identity.Children.Count == 0 ? [] : childLinks.ListChildLinks().ToDictionary(l => l.ChildId, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        foreach (var child in identity.Children)
        {
            var node = new ChildNode
            {
                NodeId = child.Id,
                DivisionCode = child.DivisionCode,
                DivisionName = Standards.DivisionTable.Default.Find(child.DivisionCode)?.Name ?? "",
                Address = child.Address,
                NeverPulled = true,
            };
            if (links.TryGetValue(child.Id, out var link))
            {
                node.NeverPulled = link.LastSuccessAt is null;
                node.Period = link.Period?.ToString() ?? "";
                node.Digest = link.Digest;
                node.Records = link.Records;
                node.Bytes = link.Bytes;
                node.Stale = link.Stale;
                node.LastError = link.LastError;
                if (link.LastSuccessAt is { } success)
                {
                    node.LastSuccessAt = Timestamp.FromDateTimeOffset(success);
                    node.Lag = Duration.FromTimeSpan(now - success);
                }
                if (link.LastErrorAt is { } error)
                {
                    node.LastErrorAt = Timestamp.FromDateTimeOffset(error);
                }
            }
            var childLevel = identity.Level == Configuration.NodeLevel.Ministry ? Configuration.NodeLevel.Province : Configuration.NodeLevel.City;
            var expected = Exchange.ReportingCalendar.ExpectedPeriod(DateOnly.FromDateTime(time.GetLocalNow().DateTime), childLevel);
            node.ExpectedPeriod = new Federation.Store.Period(expected).ToString();
            node.Late = string.CompareOrdinal(node.Period, node.ExpectedPeriod) < 0;
            // Enterprise monitoring's calendar, for a child with a sample (nothing received yet is late).
            if (childSnapshots.LatestSurveyMonth(child.Id) is { } received)
            {
                node.MonitoringReceivedMonth = received;
                node.MonitoringExpectedMonth = Monitoring.MonitoringCalendar.ExpectedMonth(
                    DateOnly.FromDateTime(time.GetLocalNow().DateTime), childLevel == Configuration.NodeLevel.City, monitoring.Value);
                node.MonitoringLate = string.CompareOrdinal(received, node.MonitoringExpectedMonth) < 0;
            }
            node.AuditWitness = WitnessStatus(child.Id);
            status.Children.Add(node);
        }
        status.Registration = RegistrationStatus();
        return Task.FromResult(status);
    }

    private AuditWitnessStatus WitnessStatus(string childId)
    {
        var result = new AuditWitnessStatus();
        if (witnesses.Witnessed(childId) is { } witnessed)
        {
            result.WitnessedSeq = witnessed.Seq;
            result.WitnessedHash = witnessed.Hash;
            result.WitnessedAt = Timestamp.FromDateTimeOffset(witnessed.WitnessedAt);
        }
        if (witnesses.OpenBreak(childId) is { } open)
        {
            result.Break = Security.AuditService.ToMessage(open);
        }
        if (witness.States.TryGetValue(childId, out var state))
        {
            result.Connected = state.Connected;
            result.LastError = state.LastError;
            if (state.LastErrorAt is { } at)
            {
                result.LastErrorAt = Timestamp.FromDateTimeOffset(at);
            }
        }
        return result;
    }

    private RegistrationStatus RegistrationStatus()
    {
        var journal = registrations.Journal;
        var today = registrations.Today;
        var result = new RegistrationStatus { FeedHead = journal.FeedHead(), ParentCursor = journal.ParentCursor().Seq, FeedCheck = feedCheck.CheckLatest() };
        foreach (var (origin, count) in journal.ValidOn(today))
        {
            result.ValidToday[origin] = count;
        }
        result.Backlog.AddRange(Registration.RegistrationService.Backlog(journal, today));
        result.ParentConnected = registrations.ParentConnected;
        result.IndexPeople = journal.IndexPeople();
        foreach (var people in journal.DoubleRegistrations())
        {
            var flagged = new DoubleRegistration();
            flagged.Registrations.AddRange(people.Select(r => $"{r.Origin}/{r.RegistrationId}"));
            flagged.CityDivisions.AddRange(people.Select(r => Registration.RegistrationDesk.CityOf(r.HandlingDivision)));
            result.DoubleRegistrations.Add(flagged);
        }
        foreach (var child in identity.Children)
        {
            var link = new RegistrationLink { ChildId = child.Id, ChangesCursor = journal.ChildCursor(child.Id).Seq };
            if (links.States.TryGetValue(child.Id, out var state))
            {
                link.ChangesConnected = state.ChangesConnected;
                link.ApplicationsConnected = state.ApplicationsConnected;
                link.LastError = state.LastError;
                if (state.LastErrorAt is { } at)
                {
                    link.LastErrorAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at);
                }
            }
            result.Links.Add(link);
        }
        return result;
    }
}
