"""Invented names for the synthetic dataset: fixed lists combined by the seeded RNG.

Nothing here comes from real records: surnames are the common ones every list has, given
names are one or two characters drawn at random, and school names are made-up districts
plus a number, so no generated person or school stands for a real one.
"""

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹"
    "薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "一子梓浩宇轩涵欣怡雨思若诗晨嘉佳俊博文睿泽明华晓宁安乐心悦可航天昊然彤萱琪瑶婷"
    "杰豪鑫磊亮凯辰逸清远舒韵语书雅静楠柏松竹梅兰芷萌朵畅恒毅诚信和颖慧晴阳瑞祥舟帆"
)
GIRL_HINT = set("欣怡涵诗琪瑶婷萱彤雅静芷兰梅朵韵颖慧晴萌悦")
BOY_HINT = set("浩宇轩俊博杰豪鑫磊凯辰逸恒毅航昊")

DISTRICTS = (
    "青禾",
    "溪岚",
    "松涛",
    "云栖",
    "星湾",
    "桐林",
    "禾丰",
    "澄江",
    "望舒",
    "栖霞岭",
    "兰汀",
    "柏川",
    "雁回",
    "晴川",
    "枫桥",
)
STAGE_WORDS = {"primary": "小学", "junior": "初级中学", "senior": "高级中学"}
GROUP_NICKNAMES = ("同行", "向阳", "心晴", "起航", "彩虹", "萤火", "拾光", "青苗", "星语", "远帆")


def person_name(rng: random.Random) -> tuple[str, str]:
    """(name, gender): a surname and one or two given characters; the gender follows the
    characters when they lean one way, else the RNG decides."""
    given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.25 else 2))
    if GIRL_HINT & set(given):
        gender = "女"
    elif BOY_HINT & set(given):
        gender = "男"
    else:
        gender = rng.choice("男女")
    return rng.choice(SURNAMES) + given, gender


def adult_name(rng: random.Random, surname: str | None = None) -> str:
    """A guardian's, teacher's or worker's name (same surname as the child when given)."""
    return (surname or rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(2))


def school_name(number: int, stage: str) -> str:
    """第N所: district by number, then a running ordinal within the district: unique."""
    district = DISTRICTS[number % len(DISTRICTS)]
    return f"{district}区第{number // len(DISTRICTS) + 1}{STAGE_WORDS[stage]}"


def address(number: int) -> str:
    return f"{DISTRICTS[number % len(DISTRICTS)]}区育才路 {number + 1} 号"


def group_name(rng: random.Random, theme: str) -> str:
    """“起航”环境适应小组: a nickname in quotes before the curriculum's theme."""
    return f"“{rng.choice(GROUP_NICKNAMES)}”{theme}小组"
