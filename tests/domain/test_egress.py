"""Where the node may connect: the robot address rule and the address rule, with every spelling
of loopback, private, link-local and metadata an attacker would try (app/domain/egress.py)."""
import pytest

from app.domain.egress import address_refusal, literal_address, robot_url_problem

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=abc"


def test_the_documented_robot_addresses_are_accepted():
    assert robot_url_problem(WECOM, "wecom") is None and robot_url_problem(DINGTALK, "dingtalk") is None
    assert robot_url_problem("https://oapi.dingtalk.com:443/robot/send?access_token=abc", "dingtalk") is None
    assert robot_url_problem("https://zd.example.gov.cn:8443/robot/send", "dingtalk", ("zd.example.gov.cn",)) is None


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:6379/", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1",  # plain http
    "gopher://127.0.0.1:6379/_INFO", "dict://127.0.0.1:6379/info", "file:///etc/passwd", "ftp://10.0.0.1/",
    "https://qyapi.weixin.qq.com:port/", "https://qyapi.weixin.qq.com\\@127.0.0.1/", "https:///nohost",
    "https://qyapi。weixin.qq.com/",  # a full-width dot, which IDNA would turn into a real one
])
def test_anything_but_an_https_url_is_not_a_robot_address(url):
    assert robot_url_problem(url, "wecom") == "url", url


@pytest.mark.parametrize("url", [
    "https://127.0.0.1:6379/", "https://2130706433/", "https://0x7f000001/", "https://017700000001/",
    "https://127.1/", "https://[::1]:6379/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/",
    "https://localhost:6379/", "https://10.0.0.5/", "https://192.168.1.1/", "https://169.254.169.254/latest/",
    "https://100.100.100.200/", "https://0.0.0.0:6379/", "https://[fe80::1]/",
    "https://qyapi.weixin.qq.com@127.0.0.1:6379/", "https://127.0.0.1#@qyapi.weixin.qq.com/",
    "https://qyapi.weixin.qq.com:6379/cgi-bin/webhook/send?key=1", "https://qyapi.weixin.qq.com.evil.example/",
    "https://evil.example/?qyapi.weixin.qq.com", "https://qyapi.weixin.qq.com./cgi-bin/webhook/send",
    DINGTALK,  # DingTalk's host for a WeCom robot: a mix-up at best
])
def test_every_other_host_is_refused_unless_the_operator_named_it(url):
    assert robot_url_problem(url, "wecom") == "host", url
    assert robot_url_problem(url, "wecom", ("zd.example.gov.cn",)) == "host", url


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1",
    "100.64.0.1", "fd12:3456::1", "2002:7f00:1::", "2002:a00:1::", "64:ff9b::7f00:1",
])
def test_loopback_and_private_addresses_need_the_explicit_setting(address):
    assert address_refusal(address) == "address not allowed"
    assert address_refusal(address, private_ok=True) is None


@pytest.mark.parametrize("address", [
    "169.254.169.254", "::ffff:169.254.169.254", "fe80::1", "fe80::1%eth0", "100.100.100.200", "fd00:ec2::254",
    "0.0.0.0", "::", "224.0.0.1", "ff02::1", "240.0.0.1", "255.255.255.255", "::127.0.0.1", "not-an-ip",
])
def test_link_local_metadata_and_reserved_addresses_are_never_allowed(address):
    assert address_refusal(address, private_ok=True) is not None


def test_an_ipv4_inside_ipv6_is_judged_as_that_ipv4():
    teredo_to_loopback = "2001:0:4136:e378:8000:63bf:80ff:fffe"  # client 127.0.0.1 (bits inverted)
    assert address_refusal(teredo_to_loopback) == "address not allowed"
    assert address_refusal("::ffff:8.8.8.8") is None and address_refusal("2002:808:808::") is None


def test_public_addresses_are_allowed():
    for address in ("8.8.8.8", "203.119.129.1", "2400:3200::1", "::ffff:1.2.3.4"):
        assert address_refusal(address) is None, address


@pytest.mark.parametrize("host, address", [
    ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("017700000001", "127.0.0.1"), ("127.1", "127.0.0.1"),
    ("0x7f.0.0.1", "127.0.0.1"), ("[::1]", "::1"), ("localhost", "127.0.0.1"), ("LocalHost.", "127.0.0.1"),
    ("x.localhost", "127.0.0.1"), ("0", "0.0.0.0"), ("169.254.169.254", "169.254.169.254"),
    ("smtp.yuyao.gov.cn", None),
])
def test_a_literal_address_in_any_spelling_is_found_without_dns(host, address):
    assert literal_address(host) == address
