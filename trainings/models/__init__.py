from trainings.models.attendance import Attendance, AttendanceChange
from trainings.models.enrolment import Enrolment
from trainings.models.trainings import Session, Speaker, Training, jp_for_minutes

__all__ = ["Attendance", "AttendanceChange", "Enrolment", "Session", "Speaker", "Training", "jp_for_minutes"]
