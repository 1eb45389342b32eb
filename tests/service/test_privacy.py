"""Letters and consultations are children's records like the rest: a student's personal
data copy holds those that name them, and anonymising the student takes their name out of
the letter's text and the consultation's note."""

from planner.db import write_tx
from planner.privacy.anonymise import anonymise_student
from planner.privacy.requests import student_data
from planner.service.models import Consultation, Letter
from tests.service import factories as vf


def test_the_personal_data_copy_holds_the_letters_and_consultations(world):
    s = vf.student(world, name="复制学生")
    vf.letter(world, student=s, text="关于宿舍的来信", urgent=True)
    vf.letter(world, text="别人的来信")
    vf.consultation(world, kind="student", student=s, note="谈了宿舍")
    data = student_data(world.worker, s)
    assert [(lt["text"], lt["urgent"]) for lt in data["letters"]] == [("关于宿舍的来信", True)]
    assert [c["note"] for c in data["consultations"]] == ["谈了宿舍"]


def test_anonymising_takes_the_name_out_of_letters_and_consultations(world):
    s = vf.student(world, name="匿名化学生")
    letter = vf.letter(world, student=s, text="匿名化学生说同桌欺负她")
    talk = vf.consultation(world, kind="student", student=s, note="和匿名化学生谈话")
    with write_tx():
        anonymise_student(s)
    assert Letter.get_by_id(letter.id).text == f"{s.archive_code}说同桌欺负她"
    assert Consultation.get_by_id(talk.id).note == f"和{s.archive_code}谈话"
