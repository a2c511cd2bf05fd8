package dev.terrarium.records;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.registry.RegistryAccess;
import dev.terrarium.registry.RegistryException;
import dev.terrarium.signing.ImageSigner;
import dev.terrarium.signing.ImageVerifier;
import dev.terrarium.signing.TrustedKey;
import dev.terrarium.signing.Verification;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * What the operator trusts about images, wired to the registry and the records namespace: the
 * {@link CacheHitRule} over the registry's tag, the operator's {@link ImageRecord} and the
 * signatures by its published keys; and, after a build, the record and the signature it leaves.
 */
@ApplicationScoped
public class ImageTrust {

    private final RegistryAccess registry;
    private final ImageRecordStore records;
    private final OperatorKeys keys;

    public ImageTrust(RegistryAccess registry, ImageRecordStore records, OperatorKeys keys) {
        this.registry = registry;
        this.records = records;
        this.keys = keys;
    }

    /**
     * Whether the registry holds an image the build may take. An image taken on its signature alone
     * is recorded, so the next look needs no signature check.
     *
     * @throws RegistryException when the registry cannot be asked
     */
    public CacheHitRule.Decision lookUp(ImageBuild build) {
        Optional<String> tagged = registry.existingDigest(build);
        if (tagged.isEmpty()) {
            return new CacheHitRule.Absent();
        }
        CacheHitRule.Decision decision =
                CacheHitRule.decide(
                        build.getSpec().target(),
                        tagged,
                        records.find(
                                build.getSpec().getRepository(), build.getSpec().getSpecHash()),
                        digest -> verify(build, digest));
        if (decision instanceof CacheHitRule.Hit hit && !hit.byRecord()) {
            records.write(record(build, hit.digest()));
        }
        return decision;
    }

    /** Equal builds that succeeded and that the operator's record vouches for: lenders. */
    public List<ImageBuild> withoutUnrecordedSources(ImageBuild self, List<ImageBuild> all) {
        if (all.stream().noneMatch(b -> CacheHitRule.isSource(self, b))) {
            return all;
        }
        Optional<ImageRecord> record =
                records.find(self.getSpec().getRepository(), self.getSpec().getSpecHash());
        return CacheHitRule.withoutUnrecordedSources(self, all, record);
    }

    /**
     * Records the image a build pushed. Called before the build's status says Succeeded, so that
     * equal builds woken by that status find the record.
     */
    public void recordBuilt(ImageBuild build, String digest) {
        records.write(record(build, digest));
    }

    /**
     * Signs the image a build pushed with the operator's key, the key created on first use.
     *
     * @throws RegistryException when the signature cannot be written
     * @throws IllegalStateException when the configured key Secret is missing or unusable
     */
    public ImageSigner.Result sign(ImageBuild build, String digest) {
        return new ImageSigner(registry.client())
                .sign(
                        RegistryAccess.image(build, digest),
                        build.getSpec().getSpecHash(),
                        keys.signingKey(),
                        registry.credentialsFor(build));
    }

    private Verification verify(ImageBuild build, String digest) {
        List<TrustedKey> trusted = keys.trusted();
        if (trusted.isEmpty()) {
            return new Verification.Rejected(
                    Verification.Reason.NO_SIGNATURE, "the operator has published no key yet");
        }
        return new ImageVerifier(registry.client())
                .verify(
                        RegistryAccess.image(build, digest),
                        build.getSpec().getSpecHash(),
                        trusted,
                        registry.credentialsFor(build));
    }

    private static ImageRecord record(ImageBuild build, String digest) {
        return new ImageRecord(
                build.getSpec().getRepository(), build.getSpec().getSpecHash(), digest);
    }
}
