package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Where pip (uv) looks for packages besides, or instead of, the default index: pip's {@code
 * --index-url}, {@code --extra-index-url} and {@code --find-links}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "!has(self.extraIndexUrls) || self.extraIndexUrls.all(i, "
                        + "self.extraIndexUrls.exists_one(j, j.url == i.url))",
        message = "extraIndexUrls must not list a URL twice",
        fieldPath = ".extraIndexUrls")
@ValidationRule(
        value =
                "!has(self.findLinks) || self.findLinks.all(i, "
                        + "self.findLinks.exists_one(j, j.url == i.url))",
        message = "findLinks must not list a URL twice",
        fieldPath = ".findLinks")
public class PipIndexes {

    /** Most extra indexes, and most find-links pages. */
    public static final int MAX_ENTRIES = 10;

    @JsonPropertyDescription(
            "The index that replaces the default one (pip's --index-url), for a mirror or a "
                    + "private index that proxies the public one.")
    private PipIndex indexUrl;

    @Size(max = MAX_ENTRIES)
    @JsonPropertyDescription(
            "Indexes searched besides the main one (pip's --extra-index-url), in order; for example "
                    + "a private index, or a project's wheel index for CUDA builds.")
    private List<PipIndex> extraIndexUrls;

    @Size(max = MAX_ENTRIES)
    @JsonPropertyDescription("HTML pages of links to archives (pip's --find-links, -f), in order.")
    private List<PipIndex> findLinks;

    public PipIndex getIndexUrl() {
        return indexUrl;
    }

    public void setIndexUrl(PipIndex indexUrl) {
        this.indexUrl = indexUrl;
    }

    public List<PipIndex> getExtraIndexUrls() {
        return extraIndexUrls;
    }

    public void setExtraIndexUrls(List<PipIndex> extraIndexUrls) {
        this.extraIndexUrls = extraIndexUrls;
    }

    public List<PipIndex> getFindLinks() {
        return findLinks;
    }

    public void setFindLinks(List<PipIndex> findLinks) {
        this.findLinks = findLinks;
    }
}
