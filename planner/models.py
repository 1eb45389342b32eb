"""Every model, in dependency order (parents first): for migrations and test resets."""

from planner.accounts.models import RecoveryCode, Supervision, TeacherClass, User, WorkerSchool
from planner.api.models import ApiToken
from planner.audit.models import AuditEntry
from planner.calendars.models import BellPeriod, CalendarDay
from planner.cases.models import (
    Case,
    CaseAppointment,
    CaseGoal,
    CaseNote,
    CaseRecord,
    CaseReferral,
)
from planner.curricula.models import Activity, Curriculum, DraftEditor, Material, SessionTemplate
from planner.evaluation.models import (
    GasGoal,
    Instrument,
    OtherEvaluation,
    ProgramEvaluation,
    Score,
)
from planner.exports.models import DocTemplate, ExportFile, ExportJob
from planner.feeds.models import FeedToken
from planner.privacy.models import DataRequest, RetentionSetting
from planner.reflections.models import FollowUp, Reflection
from planner.reports.models import StatsStamp
from planner.runs.models import Attendance, SessionRecord, SessionTally
from planner.schools.models import Agency, Room, School, SchoolClass, SchoolYear, Term
from planner.screening.models import Recruitment, ScreeningResult, ScreeningRound
from planner.service.models import (
    Consultation,
    Feedback,
    FeedbackLink,
    Letter,
    SupervisionAttendee,
    SupervisionSession,
    Training,
)
from planner.sessions.models import (
    Program,
    ProgramClass,
    ProgramWorker,
    ScheduleChange,
    Session,
    SlotRule,
)
from planner.students.models import (
    ArchiveCounter,
    ArchiveSetting,
    ClassMember,
    Consent,
    GroupMember,
    GroupRoster,
    Student,
)

MODELS = [
    Agency,
    School,
    SchoolYear,
    Term,
    SchoolClass,
    Room,
    User,
    WorkerSchool,
    Supervision,
    TeacherClass,
    RecoveryCode,
    Curriculum,
    SessionTemplate,
    Activity,
    DraftEditor,
    Material,
    BellPeriod,
    CalendarDay,
    Program,
    ProgramClass,
    ProgramWorker,
    SlotRule,
    Session,
    ScheduleChange,
    FeedToken,
    AuditEntry,
    ArchiveSetting,
    ArchiveCounter,
    Student,
    ClassMember,
    Consent,
    GroupRoster,
    GroupMember,
    Attendance,
    SessionRecord,
    SessionTally,
    StatsStamp,
    Reflection,
    FollowUp,
    Instrument,
    Score,
    GasGoal,
    ProgramEvaluation,
    OtherEvaluation,
    ScreeningRound,
    ScreeningResult,
    Recruitment,
    Case,
    CaseRecord,
    CaseGoal,
    CaseNote,
    CaseReferral,
    Letter,
    Consultation,
    SupervisionSession,
    SupervisionAttendee,
    Training,
    FeedbackLink,
    Feedback,
    CaseAppointment,
    DocTemplate,
    ExportJob,
    ExportFile,
    ApiToken,
    RetentionSetting,
    DataRequest,
]
