// A single OpenSearch node on loopback, with its plugins on the classpath (no plugin install step).
// Started by scripts/services/opensearch.sh:
//   java -cp <libs>/*:<dir> DocmeshOpenSearch <home> <httpPort> <transportPort>
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.codelibs.opensearch.runner.node.OpenSearchRunnerNode;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

public final class DocmeshOpenSearch {
  private static final String[] REQUIRED = {
    "org.opensearch.transport.Netty4Plugin",
    "org.opensearch.analysis.common.CommonAnalysisPlugin",
    "org.opensearch.index.mapper.MapperExtrasPlugin",
    "org.opensearch.painless.PainlessPlugin",
    "org.opensearch.knn.plugin.KNNPlugin",
  };
  private static final String[] OPTIONAL = {
    "org.opensearch.index.reindex.ReindexPlugin",
    "org.opensearch.join.ParentJoinPlugin",
    "org.opensearch.percolator.PercolatorPlugin",
    "org.opensearch.index.rankeval.RankEvalPlugin",
    "org.opensearch.ingest.common.IngestCommonPlugin",
    "org.opensearch.script.expression.ExpressionPlugin",
    "org.opensearch.script.mustache.MustachePlugin",
    "org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin",
    "org.opensearch.geo.GeoModulePlugin",
  };

  @SuppressWarnings("unchecked")
  private static void add(List<Class<? extends Plugin>> plugins, String name, boolean required) throws ClassNotFoundException {
    try {
      plugins.add((Class<? extends Plugin>) Class.forName(name));
    } catch (ClassNotFoundException e) {
      if (required) throw e;
      System.err.println("plugin not on the classpath, skipped: " + name);
    }
  }

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]).toAbsolutePath();
    Settings settings = Settings.builder()
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("path.logs", home.resolve("logs").toString())
        .put("cluster.name", "docmesh")
        .put("node.name", "docmesh-1")
        .put("network.host", "127.0.0.1")
        .put("http.port", args[1])
        .put("transport.port", args[2])
        .put("discovery.type", "single-node")
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .put("action.auto_create_index", true)
        .build();
    List<Class<? extends Plugin>> plugins = new ArrayList<>();
    for (String p : REQUIRED) add(plugins, p, true);
    for (String p : OPTIONAL) add(plugins, p, false);
    Environment env = InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), null, () -> "docmesh-1");
    Node node = new OpenSearchRunnerNode(env, plugins);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
      stopped.countDown();
    }));
    node.start();
    System.out.println("docmesh-opensearch: node started on http://127.0.0.1:" + args[1]);
    stopped.await();
  }
}
