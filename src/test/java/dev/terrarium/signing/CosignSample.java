package dev.terrarium.signing;

import dev.terrarium.registry.ImageReference;

/**
 * A signature that cosign v2.6.5 itself wrote (built by hack/build-cosign.sh): {@code cosign
 * generate-key-pair}, then {@code cosign sign --key cosign.key --tlog-upload=false
 * --allow-http-registry -a dev.terrarium/spec-hash=h1 -a creator=terrarium-operator
 * 127.0.0.1:5014/exp/app@<digest>} against a local docker-registry; the manifest, config and
 * payload are the bytes it pushed, read back with curl.
 */
final class CosignSample {

    static final String PUBLIC_KEY_PEM =
            """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ5pwCHrwfDmRjVDAMjEOpqNlnPl2
            COtzPTJUssMHWdiLDwoc5eKeHj/TbQ94DoXeNGqGsZc4dcQGlu0R5QJf0A==
            -----END PUBLIC KEY-----
            """;
    static final String DIGEST =
            "sha256:c161e5793e329443a4f2f8ac143a78379f6b6c4dc7fdbd43a252c608b2fceffb";
    static final ImageReference IMAGE = ImageReference.parse("127.0.0.1:5014/exp/app@" + DIGEST);
    static final String SPEC_HASH = "h1";
    static final String PAYLOAD =
            "{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5014/exp/app\"},"
                    + "\"image\":{\"docker-manifest-digest\":\""
                    + DIGEST
                    + "\"},\"type\":\"cosign container image "
                    + "signature\"},\"optional\":{\"creator\":\"terrarium-operator\",\"dev.terrarium/spec-hash\":\"h1\"}}";
    static final String SIGNATURE =
            "MEQCIHR3Lai+rZY0YdeRlRPnQkMx/O6yLY3HcjCYw1VB3P3UAiAdsrQ15ODZuc6YZF0h+pP2Zedp7y+z6"
                    + "6sfK+24t8lutg==";
    static final String CONFIG =
            "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":"
                    + "\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:82a1908d956"
                    + "e2ed56ab0ecade8bf3def729cab29ac34ccaa7d6bc859a096ae24\"]},\"config\":{}}";
    static final String MANIFEST =
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":233,\"digest\":\"sha256:"
                    + "9ceba51a656c3f01e22c00993e9a9298a8044d733c7160755b039d1fe0d886ed\"},\"layers\":[{\"mediaType\":\""
                    + "application/vnd.dev.cosign.simplesigning.v1+json\",\"size\":297,\"digest\":\"sha256:82a1908d956e2ed56a"
                    + "b0ecade8bf3def729cab29ac34ccaa7d6bc859a096ae24\",\"annotations\":{\"dev.cosignproject.cosign/signature\""
                    + ":\""
                    + SIGNATURE
                    + "\"}}]}";

    private CosignSample() {}
}
