package conf.crypto
import rego.v1
md5 := crypto.md5(input.msg)
sha1 := crypto.sha1(input.msg)
sha256 := crypto.sha256(input.msg)
hmac_sha256 := crypto.hmac.sha256(input.msg, "key")
hmac_sha512 := crypto.hmac.sha512(input.msg, "key")
hmac_md5 := crypto.hmac.md5(input.msg, "key")
hmac_sha1 := crypto.hmac.sha1(input.msg, "key")
hmac_equal := crypto.hmac.equal(crypto.hmac.sha256("a", "k"), crypto.hmac.sha256("a", "k"))
digest_of_json := crypto.sha256(json.marshal({"b": 1, "a": 2}))
