package com.example.shelf;

import com.p6spy.engine.spy.P6DataSource;
import io.querylens.QueryLens;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * How querylens is fed in this test run, from {@code -Dquerylens.feed}: {@code agent} (the {@code -javaagent} sees
 * everything, nothing to do here), {@code wrap} ({@code QueryLens.wrap} around the application's data source) or
 * {@code p6spy} (p6spy's data source around it, with querylens' p6spy module in p6spy's module list), or {@code all}
 * three at once, around datasource-proxy's data source as well (each statement must still count once). The build runs the same tests once per feed.
 */
@TestConfiguration(proxyBeanMethods = false)
class QueryLensFeed {

  static String feed() {
    return System.getProperty("querylens.feed", "wrap");
  }

  @Bean
  static BeanPostProcessor queryLensFeed() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (!(bean instanceof DataSource dataSource)) {
          return bean;
        }
        return switch (feed()) {
          case "wrap" -> QueryLens.wrap(dataSource);
          case "p6spy" -> new P6DataSource(dataSource);
          case "all" -> QueryLens.wrap(new P6DataSource(ProxyDataSourceBuilder.create(dataSource).build()));
          default -> bean;
        };
      }
    };
  }
}
