using Federation.Node.Sealing;
using Federation.Store;

namespace Federation.Node.Registration;

/// <summary>
/// The registration service's part in a seal: a city's registrations go into the period as they
/// stood on its date (<see cref="RegistrationDesk.SealWith"/>). Registered as an
/// <see cref="ISealParticipant"/>, so that the sealer needs to know nothing of registrations.
/// </summary>
internal sealed class RegistrationSealing(RegistrationDesk desk) : ISealParticipant
{
    public Manifest SealAround(Period period, Func<Manifest> seal) => desk.SealWith(period.AsOf, seal);
}
