"""Demo data: Yuyao's units, the dispatch centre, "一件事" categories and a few posters.

Seeding is idempotent: each row is found by its code and created only when missing.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Category, OrgUnit, Poster

CITY = ("3302", "宁波市", "Ningbo City", "city")
COUNTY = ("330281", "余姚市", "Yuyao City", "county")
DISPATCH = ("330281-XF", "余姚市信访局（12345热线）", "Yuyao Petition Bureau (12345 hotline)", "dispatch")
TOWNS = [
    ("YM", "阳明街道", "Yangming Subdistrict"), ("FS", "凤山街道", "Fengshan Subdistrict"),
    ("LZ", "梨洲街道", "Lizhou Subdistrict"), ("LJ", "兰江街道", "Lanjiang Subdistrict"),
    ("DT", "低塘街道", "Ditang Subdistrict"), ("LX", "朗霞街道", "Langxia Subdistrict"),
    ("MZ", "马渚镇", "Mazhu Town"), ("SM", "泗门镇", "Simen Town"), ("LS", "临山镇", "Linshan Town"),
    ("HJB", "黄家埠镇", "Huangjiabu Town"), ("XCE", "小曹娥镇", "Xiaocao'e Town"),
    ("MS", "牟山镇", "Moushan Town"), ("ZT", "丈亭镇", "Zhangting Town"),
    ("SQS", "三七市镇", "Sanqishi Town"), ("HMD", "河姆渡镇", "Hemudu Town"),
    ("DY", "大隐镇", "Dayin Town"), ("LB", "陆埠镇", "Lubu Town"), ("LN", "梁弄镇", "Liangnong Town"),
    ("DL", "大岚镇", "Dalan Town"), ("SMS", "四明山镇", "Simingshan Town"),
    ("LT", "鹿亭乡", "Luting Township"),
]
VILLAGES = [
    ("YM-XH", "YM", "新建社区", "Xinjian Community"), ("YM-ZS", "YM", "舜水社区", "Shunshui Community"),
    ("FS-CD", "FS", "城东社区", "Chengdong Community"), ("MZ-SC", "MZ", "沈巷村", "Shenxiang Village"),
]
DEPARTMENTS = [
    ("ZJ", "市住建局", "Housing and Construction Bureau"),
    ("STHJ", "生态环境分局", "Ecology and Environment Branch"),
    ("ZHZF", "综合行政执法局", "Comprehensive Administrative Law Enforcement Bureau"),
    ("JT", "交通运输局", "Transport Bureau"), ("JY", "教育局", "Education Bureau"),
    ("WJ", "卫健局", "Health Commission"), ("RS", "人社局", "Human Resources and Social Security Bureau"),
    ("NY", "农业农村局", "Agriculture and Rural Affairs Bureau"),
    ("SJ", "市场监管局", "Market Supervision Bureau"), ("YB", "医保局", "Healthcare Security Bureau"),
]
CATEGORIES = [
    ("youyan", "餐饮油烟扰民", "Restaurant fumes", "ZHZF"),
    ("daolu", "道路破损", "Damaged roads", "JT"),
    ("zaosheng", "噪声扰民", "Noise", "STHJ"),
    ("laji", "垃圾清运", "Rubbish collection", "ZHZF"),
    ("tingche", "停车管理", "Parking", "ZHZF"),
    ("wuye", "物业纠纷", "Property management disputes", "ZJ"),
    ("ruxue", "学位与入学", "School places and enrolment", "JY"),
    ("yibao", "医保社保", "Medical and social insurance", "RS"),
    ("shipin", "食品安全", "Food safety", "SJ"),
    ("yiliao", "医疗服务", "Medical services", "WJ"),
    ("nongye", "农业农村", "Farming and villages", "NY"),
    ("qita", "其他建议", "Other suggestions", "330281-XF"),
]
POSTERS = [
    ("YMQ2K8", "YM", "阳明街道便民服务中心 一楼大厅", None),
    ("FSH7N3", "FS", "凤山街道 城东菜市场东门", "youyan"),
    ("JT4P9X", "JT", "四明西路公交站（市政府站）", "daolu"),
    ("JY6W5R", "JY", "余姚市行政服务中心 教育窗口", "ruxue"),
    ("MZ8C3T", "MZ", "马渚镇沈巷村村委会", None),
]


DEMO_PASSWORD = "yima-demo-2026"
# (username, display name, unit code, role): one account per role, and a second unit's handler.
DEMO_USERS = [
    ("yangming", "阳明街道 王芳", "330281-YM", "handler"),
    ("yangming-lead", "阳明街道 李强（负责人）", "330281-YM", "lead"),
    ("jiaotong", "交通运输局 陈明", "330281-JT", "handler"),
    ("dispatch", "信访局 赵敏（分流）", "330281-XF", "dispatcher"),
    ("yuyao-supervisor", "余姚市 督查 周涛", "330281", "supervisor"),
    ("ningbo-supervisor", "宁波市 督查 吴静", "3302", "supervisor"),
    ("admin", "系统管理员", "330281", "admin"),
]


def seed_demo_users(session: Session, now: datetime, password_hash: str) -> list[str]:
    """Create the demo staff accounts that are missing; all share one demo password."""
    from app.domain.workflow import Role
    from app.models import User

    created = []
    for username, name, unit_code, role in DEMO_USERS:
        if session.scalars(sa.select(User).where(User.username == username)).first() is None:
            unit = session.scalars(sa.select(OrgUnit).where(OrgUnit.code == unit_code)).one()
            session.add(User(username=username, display_name=name, unit=unit, role=Role(role),
                             password_hash=password_hash, created_at=now))
            created.append(username)
    session.flush()
    return created


def _unit(session: Session, code: str, name: str, name_en: str, kind: str, parent) -> OrgUnit:
    unit = session.scalars(sa.select(OrgUnit).where(OrgUnit.code == code)).first()
    if unit is None:
        unit = OrgUnit(code=code, name=name, name_en=name_en, kind=kind, parent=parent)
        session.add(unit)
        session.flush()
    return unit


def seed_demo(session: Session, now: datetime) -> dict[str, int]:
    """Create whatever demo rows are missing and return how many of each exist."""
    city = _unit(session, *CITY, parent=None)
    county = _unit(session, *COUNTY, parent=city)
    _unit(session, *DISPATCH, parent=county)
    units = {}
    for code, name, name_en in TOWNS:
        units[code] = _unit(session, f"330281-{code}", name, name_en, "town", county)
    for code, parent, name, name_en in VILLAGES:
        units[code] = _unit(session, f"330281-{code}", name, name_en, "village", units[parent])
    for code, name, name_en in DEPARTMENTS:
        units[code] = _unit(session, f"330281-{code}", name, name_en, "department", county)
    units["330281-XF"] = session.scalars(sa.select(OrgUnit).where(OrgUnit.code == DISPATCH[0])).one()

    categories = {}
    for order, (code, name, name_en, unit_code) in enumerate(CATEGORIES):
        category = session.scalars(sa.select(Category).where(Category.code == code)).first()
        if category is None:
            category = Category(code=code, name=name, name_en=name_en, unit=units[unit_code], sort_order=order)
            session.add(category)
        categories[code] = category
    session.flush()

    for code, unit_code, place, category_code in POSTERS:
        if session.scalars(sa.select(Poster).where(Poster.code == code)).first() is None:
            session.add(Poster(
                code=code, place_label=place, unit=units[unit_code],
                category=categories.get(category_code), created_at=now,
            ))
    session.flush()
    return {
        "units": session.scalar(sa.select(sa.func.count()).select_from(OrgUnit)),
        "categories": session.scalar(sa.select(sa.func.count()).select_from(Category)),
        "posters": session.scalar(sa.select(sa.func.count()).select_from(Poster)),
    }
