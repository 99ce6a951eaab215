using Federation.Protocol.V1;
using Federation.Standards;

namespace Federation.Client;

// The calls of the verification service: a certificate, a person, the public check.
public sealed partial class FederationClient
{
    /// <summary>
    /// The holder of an Employment/Unemployment Registration Certificate and their current status,
    /// routed by the node to the place that holds it, with the answer's provenance. The number is
    /// checked locally first (<see cref="ArgumentException"/> says why it is malformed).
    /// </summary>
    public Task<VerifyResponse> VerifyCertificateAsync(string certificateNumber, CancellationToken cancellationToken = default)
    {
        var request = new VerifyCertificateRequest { CertificateNumber = CheckCertificate(certificateNumber) };
        return CallSignedAsync("verify certificate", Verification.Descriptor.FindMethodByName("VerifyCertificate"), request,
            options => new Verification.VerificationClient(_channel).VerifyCertificateAsync(request, options).ResponseAsync, cancellationToken);
    }

    /// <summary>
    /// A worker's current status by citizen ID (GB 11643, checked locally first), from every place
    /// that holds their records; <see cref="Provenance.Unanswered"/> lists children that did not answer.
    /// </summary>
    public Task<VerifyResponse> VerifyPersonAsync(string citizenId, CancellationToken cancellationToken = default)
    {
        if (!CitizenId.TryParse(TypedNumber.Fold(citizenId), out var id, out var error))
        {
            throw new ArgumentException($"citizen ID: {error}", nameof(citizenId));
        }
        var request = new VerifyPersonRequest { CitizenId = id.Value };
        return CallSignedAsync("verify person", Verification.Descriptor.FindMethodByName("VerifyPerson"), request,
            options => new Verification.VerificationClient(_channel).VerifyPersonAsync(request, options).ResponseAsync, cancellationToken);
    }

    /// <summary>The public authenticity check (真伪查验): whether the certificate is genuine, in force and held by <paramref name="name"/>.</summary>
    public Task<PublicCheckResponse> PublicCheckAsync(string certificateNumber, string name, CancellationToken cancellationToken = default)
    {
        var number = CheckCertificate(certificateNumber);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return CallIdempotentAsync("check certificate", options => new Verification.VerificationClient(_channel)
            .PublicCheckAsync(new PublicCheckRequest { CertificateNumber = number, Name = name.Trim() }, options).ResponseAsync, cancellationToken);
    }
}
