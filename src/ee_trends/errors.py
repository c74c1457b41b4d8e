"""The error type of the package, and the warnings about its data files.

Every message is one line that names the file (and the round and the field
when the problem lies in one round) and what to do, so a command can print
it as it is.
"""


class FeedError(ValueError):
    """A feed, a capture or one of its rounds cannot be read or fetched.

    The message names the file or URL, and the round (``drawNumber``) and the
    field when the problem lies in one round, so the bad record can be found
    in the feed.
    """


class UnreadableValueWarning(UserWarning):
    """A value of a capture that does not parse, replaced by an earlier capture's value.

    Raw captures stay as published; loading a folder of captures takes the
    newest earlier readable value and names the capture, the round and the
    field (see :mod:`ee_trends.data.merge`). ``fetch`` warns when a new capture
    has such values.
    """


class CacheWarning(UserWarning):
    """The processed cache was damaged or could not be written: rebuilt, never served."""


class CaptureWarning(UserWarning):
    """A file in a folder of captures that is not used (dated in the future), named."""


class UnknownProgramWarning(UserWarning):
    """A round's label matches no known program: it is kept as ``other``."""


class ReportError(Exception):
    """The report cannot be written (for example ``out`` is a folder it did not make)."""


class PredictionError(ValueError):
    """A what-if that cannot be answered; the message names what is allowed."""


class UnknownProgramError(PredictionError):
    """The program is not one of the history's program keys."""


class InvitationsError(PredictionError):
    """The size is not a plausible number of invitations."""


class DateError(PredictionError):
    """The date is before the program's first round: nothing to forecast from."""


class DroppedRoundWarning(UserWarning):
    """A round missing from newer captures: kept from the newest capture that had it."""


class PoolCheckWarning(UserWarning):
    """A published distribution whose ranges do not add up to its subtotals or total."""


class SnapshotWarning(UserWarning):
    """The live feed could not be fetched: the snapshot shipped with the package is read."""


class StaleDataWarning(UserWarning):
    """An answer about a date more than three weeks after the newest round it knows of.

    Rounds held since the newest one are unknown (``ee-trends fetch`` brings
    them); forecasts and simulations start from the newest round.
    """


class HorizonError(PredictionError):
    """The date is too long after the newest round (``MAX_HORIZON_DAYS``) to forecast."""


class TooFewRoundsError(PredictionError):
    """The program has too few rounds since its last long pause to forecast from."""


class WindowError(ValueError):
    """A window that is not a whole number of weeks from 1 to 26."""
