from .attendance import Attendance, AttendanceChange
from .enrolment import Enrolment
from .trainings import Session, Speaker, Training, jp_for_minutes

__all__ = ["Attendance", "AttendanceChange", "Enrolment", "Session", "Speaker", "Training", "jp_for_minutes"]
