"""A partner's session with plain `requests`: file a case with a key, follow it by token and by
id, and read its updates (with its own key: the unit's answer's text comes too, as it does to no
one else). Run `file`, then `follow CODE TOKEN` as often as the unit works it.

    python docs/open311_session.py http://127.0.0.1:5000 KEY file
    python docs/open311_session.py http://127.0.0.1:5000 KEY follow CODE TOKEN
"""
import json
import sys

import requests


def main(base: str, key: str, step: str, *rest: str) -> None:
    root = f"{base}/open311/v2"
    if step == "file":
        data = {"api_key": key, "service_code": "daolu", "lat": "30.0451", "long": "121.1547",
                "description": "新建路3号门口路面塌陷，雨后积水。", "first_name": "三", "last_name": "张",
                "phone": "13812345678", "email": "zhang@example.cn", "attribute[kind]": "complaint"}
        for attempt in ("first", "retry"):
            answer = requests.post(f"{root}/requests.json", data=data, timeout=10)
            print(f"POST requests.json ({attempt}) -> {answer.status_code} {answer.text}")
        print("POST without a key ->", requests.post(f"{root}/requests.xml", data={**data, "api_key": ""},
                                                      timeout=10).text)
        return
    code, token = rest
    print("GET tokens ->", requests.get(f"{root}/tokens/{token}.json", timeout=10).text)
    english = {"Accept-Language": "en"}
    one = requests.get(f"{root}/requests/{code}.json", params={"api_key": key}, headers=english, timeout=10).json()[0]
    print("GET requests/id ->", json.dumps(one, ensure_ascii=False))
    updates = requests.get(f"{root}/servicerequestupdates.json", params={"api_key": key}, headers=english,
                           timeout=10).json()
    for update in (u for u in updates if u["service_request_id"] == code):
        print("  update", update["update_id"], update["status"], update["updated_datetime"], update["description"])


if __name__ == "__main__":
    main(*sys.argv[1:])
