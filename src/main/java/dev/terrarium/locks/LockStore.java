package dev.terrarium.locks;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.LockStatus;
import dev.terrarium.api.Manager;
import dev.terrarium.kube.Owners;
import dev.terrarium.naming.Labels;
import dev.terrarium.naming.Names;
import dev.terrarium.registry.RegistryAccess;
import dev.terrarium.registry.RegistryException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The lock record of a build: {@code <imagebuild>-lock}, an immutable ConfigMap owned by the
 * ImageBuild, written once from whichever source has the lock (the build's log, the pushed image,
 * or an equal build's record).
 */
@ApplicationScoped
public class LockStore {

    public static final String LOCK_KEY = "lock";

    /** The exact lock of a venv build, when the build printed one. */
    public static final String PYLOCK_KEY = LockFormats.PYLOCK_TOML;

    private static final Logger LOG = Logger.getLogger(LockStore.class);

    private final KubernetesClient client;
    private final RegistryAccess registry;

    public LockStore(KubernetesClient client, RegistryAccess registry) {
        this.client = client;
        this.registry = registry;
    }

    /**
     * The lock the build printed in its log, stored; empty when the log holds no complete lock of
     * this spec.
     */
    public Optional<LockStatus> fromLog(ImageBuild build, String log) {
        return LockExtractor.extract(
                        log,
                        build.getSpec().getSpecHash(),
                        build.getSpec().getResolved().getManager())
                .map(found -> store(build, found.text(), found.packages(), found.pylockToml()));
    }

    /**
     * The lock the build step wrote into the image, read from its layers and stored; null when
     * unreadable.
     */
    public LockStatus fromImage(ImageBuild build, String digest) {
        try {
            Optional<String> text = registry.lockInImage(build, digest);
            if (text.isEmpty()) {
                return null;
            }
            Manager manager = build.getSpec().getResolved().getManager();
            String pylock =
                    manager == Manager.VENV
                            ? registry.pylockInImage(build, digest).orElse(null)
                            : null;
            return store(
                    build, text.get(), LockExtractor.countPackages(text.get(), manager), pylock);
        } catch (RegistryException e) {
            LOG.infof("cannot read the lock from %s: %s", digest, e.getMessage());
            return null;
        }
    }

    /**
     * An equal build's lock, copied so that this build's record stands alone when the other is
     * deleted.
     */
    public LockStatus copyOf(ImageBuild build, ImageBuild source) {
        if (source.getStatus().getLock() == null) {
            return null;
        }
        ConfigMap lock =
                client.configMaps()
                        .inNamespace(source.getMetadata().getNamespace())
                        .withName(source.getStatus().getLock().getConfigMap())
                        .get();
        if (lock == null || lock.getData() == null || lock.getData().get(LOCK_KEY) == null) {
            return null;
        }
        return store(
                build,
                lock.getData().get(LOCK_KEY),
                source.getStatus().getLock().getPackages(),
                lock.getData().get(PYLOCK_KEY));
    }

    private LockStatus store(ImageBuild build, String text, int packages, String pylock) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(LOCK_KEY, text);
        if (pylock != null) {
            data.put(PYLOCK_KEY, pylock);
        }
        String name = Names.buildLock(build.getMetadata().getName());
        ConfigMap lock =
                new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(build.getMetadata().getNamespace())
                        .withLabels(
                                Labels.forBuildLock(
                                        build.getSpec().getEnvironment(),
                                        build.getMetadata().getName()))
                        .withOwnerReferences(Owners.controller(build))
                        .endMetadata()
                        .withImmutable(true)
                        .withData(data)
                        .build();
        client.resource(lock).fieldManager("imagebuild").forceConflicts().serverSideApply();
        return new LockStatus(name, packages);
    }
}
