"""Stage models are data: MZ/T 095 by default, replaceable (Tuckman maps onto it)."""

import pytest

from planner.curricula.stages import default_model, load_models, meeting_stages, stage_prompts


def test_default_model_is_mzt095_with_prompts_per_stage():
    model = default_model()
    assert model["slug"] == "mzt095"
    assert [s["name"] for s in model["stages"]] == [
        "筹备期",
        "形成期",
        "转折期",
        "成熟期",
        "结束期",
    ]
    for stage in model["stages"]:
        assert 4 <= len(stage["prompts"]) <= 6
        assert stage["member_behaviours"] and stage["worker_tasks"]
    assert 4 <= len(model["lesson_prompts"]) <= 6
    assert meeting_stages() == ["形成期", "转折期", "成熟期", "结束期"]
    assert stage_prompts("转折期") == model["stages"][2]["prompts"]


def test_tuckman_maps_every_stage_onto_the_default_model():
    models = load_models()
    tuckman = models["tuckman"]
    assert not tuckman["default"]
    assert [s["maps_to"] for s in tuckman["stages"]] == [
        "形成期",
        "转折期",
        "成熟期",
        "成熟期",
        "结束期",
    ]


def test_a_broken_stage_file_is_refused(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "slug: bad\nname: 坏\nstages:\n  - key: only\n    name: 唯一\n"
        "    member_behaviours: []\n    worker_tasks: []\n    prompts: [一]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="bad.yaml"):
        load_models(str(tmp_path))
