package io.querylens.sql;

import io.querylens.sql.SqlStructure.Bound;
import io.querylens.sql.SqlStructure.ColumnRef;
import io.querylens.sql.SqlStructure.Operator;
import io.querylens.sql.SqlStructure.Predicate;
import io.querylens.sql.SqlStructure.SortKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.AnyType;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.arithmetic.Concat;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.expression.operators.relational.SimilarToExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.execute.Execute;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictAction;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.merge.MergeDelete;
import net.sf.jsqlparser.statement.merge.MergeInsert;
import net.sf.jsqlparser.statement.merge.MergeOperation;
import net.sf.jsqlparser.statement.merge.MergeUpdate;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.Fetch;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.FunctionAllColumns;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.Offset;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Reads one parsed JSqlParser statement into a {@link SqlStructure}. One instance per statement, not thread-safe.
 *
 * <p>Walks clauses in text order (WITH bodies, select list, FROM items, ON, WHERE, HAVING, ORDER BY) so that tables
 * and predicates come out in order of appearance. Each query level has a {@link Scope} mapping aliases to sources;
 * column qualifiers resolve against the innermost scope first, then the enclosing ones (correlated subqueries).
 */
final class StatementWalker {

  /** Unqualified names JSqlParser reads as columns though they are values or functions without parentheses. */
  private static final Set<String> PSEUDO_COLUMNS =
      Set.of(
          "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp", "sysdate",
          "systimestamp", "sysdatetime", "current_user", "session_user", "user", "current_schema", "true", "false",
          "null", "rownum", "default");

  private final List<SqlLexer.Token> tokens;
  private final List<Integer> markerPositions;
  private final int parserMarkerCount;

  private final LinkedHashSet<String> tables = new LinkedHashSet<>();
  private final List<Predicate> predicates = new ArrayList<>();
  private final LinkedHashSet<ColumnRef> joinColumns = new LinkedHashSet<>();
  private final List<SortKey> orderBy = new ArrayList<>();
  private final Set<String> cteNames = new HashSet<>();
  /** Alias to table; null for an alias that names different tables at different query levels. */
  private final Map<String, String> aliasedTables = new HashMap<>();
  private boolean selectStar;
  private boolean outerSelectStar;
  private boolean crossJoin;
  private Bound limit = Bound.NONE;
  private Bound offset = Bound.NONE;

  /**
   * @param tokens the lexer's tokens of the same text, for placing bind markers when JSqlParser's numbering cannot be
   *     trusted
   * @param parserMarkerCount how many {@code ?} markers JSqlParser numbered while parsing
   */
  StatementWalker(List<SqlLexer.Token> tokens, int parserMarkerCount) {
    this.tokens = tokens;
    this.markerPositions = SqlLexer.markerPositions(tokens);
    this.parserMarkerCount = parserMarkerCount;
  }

  SqlStructure walk(Statement statement, StatementKind lexicalKind) {
    statement(statement, null);
    bounds(statement);
    StatementKind kind = kindOf(statement);
    Map<String, String> tableAliases = new HashMap<>(aliasedTables);
    tableAliases.values().removeIf(String::isEmpty);
    return new SqlStructure(
        kind == StatementKind.OTHER ? lexicalKind : kind,
        List.copyOf(tables),
        predicates,
        List.copyOf(joinColumns),
        orderBy,
        selectStar,
        outerSelectStar,
        limit,
        offset,
        crossJoin,
        tableAliases,
        true,
        null);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Kind

  static StatementKind kindOf(Statement st) {
    if (st instanceof Select) {
      return StatementKind.SELECT;
    } else if (st instanceof Insert) {
      return StatementKind.INSERT;
    } else if (st instanceof Update) {
      return StatementKind.UPDATE;
    } else if (st instanceof Delete) {
      return StatementKind.DELETE;
    } else if (st instanceof Merge || st instanceof Upsert) {
      return StatementKind.MERGE;
    } else if (st instanceof Execute) {
      return StatementKind.CALL;
    }
    // by package rather than by class: JSqlParser has dozens of DDL statement classes, and this survives relocation
    String base = Statement.class.getPackageName() + ".";
    String pkg = st.getClass().getPackageName();
    for (String ddl : List.of("create", "alter", "drop", "truncate", "comment", "grant")) {
      if (pkg.equals(base + ddl) || pkg.startsWith(base + ddl + ".")) {
        return StatementKind.DDL;
      }
    }
    return StatementKind.OTHER;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Statements

  private void statement(Statement st, Scope parent) {
    if (st instanceof Select select) {
      select(select, parent);
    } else if (st instanceof Insert insert) {
      insert(insert, parent);
    } else if (st instanceof Update update) {
      update(update, parent);
    } else if (st instanceof Delete delete) {
      delete(delete, parent);
    } else if (st instanceof Merge merge) {
      merge(merge, parent);
    } else if (st instanceof Upsert upsert) {
      Scope scope = new Scope(parent);
      target(upsert.getTable(), scope);
      if (upsert.getSelect() != null) {
        select(upsert.getSelect(), parent);
      }
      updateSets(upsert.getUpdateSets(), scope);
      updateSets(upsert.getDuplicateUpdateSets(), scope);
    } else if (st instanceof ExplainStatement explain) {
      if (explain.getStatement() != null) {
        select(explain.getStatement(), parent);
      }
    } else if (st instanceof CreateIndex ci) {
      addTable(ci.getTable());
    } else if (st instanceof CreateTable ct) {
      addTable(ct.getTable());
      if (ct.getSelect() != null) {
        select(ct.getSelect(), parent);
      }
    } else if (st instanceof CreateView cv) {
      if (cv.getSelect() != null) {
        select(cv.getSelect(), parent);
      }
    } else if (st instanceof Alter alter) {
      addTable(alter.getTable());
    } else if (st instanceof Drop drop) {
      if ("table".equalsIgnoreCase(drop.getType())) {
        addTable(drop.getName());
      }
    } else if (st instanceof Truncate truncate) {
      if (truncate.getTables() != null && !truncate.getTables().isEmpty()) {
        truncate.getTables().forEach(this::addTable);
      } else {
        addTable(truncate.getTable());
      }
    }
  }

  private void insert(Insert insert, Scope parent) {
    withItems(insert.getWithItemsList(), parent);
    Scope scope = new Scope(parent);
    target(insert.getTable(), scope);
    scope.add(new Source("excluded", null, scope), "excluded");
    if (insert.getSelect() != null) {
      select(insert.getSelect(), parent);
    }
    updateSets(insert.getSetUpdateSets(), scope);
    updateSets(insert.getDuplicateUpdateSets(), scope);
    InsertConflictAction conflict = insert.getConflictAction();
    if (conflict != null) {
      updateSets(conflict.getUpdateSets(), scope);
      condition(conflict.getWhereExpression(), scope, false);
    }
  }

  private void update(Update update, Scope parent) {
    withItems(update.getWithItemsList(), parent);
    Scope scope = new Scope(parent);
    Source target = target(update.getTable(), scope);
    joins(update.getStartJoins(), scope, target);
    // PostgreSQL's UPDATE ... FROM x behaves like a comma join with the target
    FromEntry from = update.getFromItem() == null ? null : register(update.getFromItem(), scope);
    List<FromEntry> joins = new ArrayList<>();
    if (from != null) {
      scope.commaJoined.add(from.source);
      joins = registerJoins(update.getJoins(), scope, from.source);
    }
    updateSets(update.getUpdateSets(), scope);
    if (from != null) {
      complete(from, scope);
    }
    joins.forEach(entry -> complete(entry, scope));
    condition(update.getWhere(), scope, false);
    orderBy(update.getOrderByElements(), scope);
    checkCrossJoin(scope);
  }

  private void delete(Delete delete, Scope parent) {
    withItems(delete.getWithItemsList(), parent);
    Scope scope = new Scope(parent);
    Source target = target(delete.getTable(), scope);
    if (delete.getUsingList() != null) {
      for (Table using : delete.getUsingList()) {
        Source source = target(using, scope);
        scope.commaJoined.add(source);
      }
    }
    joins(delete.getJoins(), scope, target);
    condition(delete.getWhere(), scope, false);
    orderBy(delete.getOrderByElements(), scope);
    checkCrossJoin(scope);
  }

  private void merge(Merge merge, Scope parent) {
    withItems(merge.getWithItemsList(), parent);
    Scope scope = new Scope(parent);
    target(merge.getTable(), scope);
    if (merge.getFromItem() != null) {
      FromEntry source = register(merge.getFromItem(), scope);
      complete(source, scope);
      if (merge.getOnCondition() != null) {
        joinCondition(merge.getOnCondition(), scope);
      }
    }
    if (merge.getOperations() != null) {
      for (MergeOperation op : merge.getOperations()) {
        if (op instanceof MergeUpdate mu) {
          condition(mu.getAndPredicate(), scope, false);
          updateSets(mu.getUpdateSets(), scope);
          condition(mu.getWhereCondition(), scope, false);
          condition(mu.getDeleteWhereCondition(), scope, false);
        } else if (op instanceof MergeInsert mi) {
          condition(mi.getAndPredicate(), scope, false);
          subqueries(mi.getValues(), scope);
          condition(mi.getWhereCondition(), scope, false);
        } else if (op instanceof MergeDelete md) {
          condition(md.getAndPredicate(), scope, false);
        }
      }
    }
  }

  /** A DML target or DDL table: always a real table, registered under its alias and its name. */
  private Source target(Table table, Scope scope) {
    if (table == null) {
      return null;
    }
    String name = addTable(table);
    Source source = new Source(name, name, scope);
    String alias = aliasName(table.getAlias());
    if (alias != null) {
      scope.add(source, alias);
      aliasTable(alias, name);
    }
    scope.add(source, name);
    return source;
  }

  private void aliasTable(String alias, String table) {
    if (table != null && !alias.equals(table)) {
      aliasedTables.merge(alias, table, (known, other) -> known.equals(other) ? known : "");
    }
  }

  private String addTable(Table table) {
    if (table == null) {
      return null;
    }
    String name = identifier(table.getName());
    if (name != null && !name.isEmpty()) {
      tables.add(name);
    }
    return name;
  }

  private void updateSets(List<UpdateSet> sets, Scope scope) {
    if (sets == null) {
      return;
    }
    for (UpdateSet set : sets) {
      subqueries(set.getValues(), scope);
    }
  }

  private void withItems(List<WithItem<?>> items, Scope parent) {
    if (items == null) {
      return;
    }
    for (WithItem<?> item : items) {
      String name = aliasName(item.getAlias());
      if (name != null) {
        cteNames.add(name);
      }
      // WithItem's typed getters cast unchecked; PostgreSQL's data-modifying CTEs make getSelect() throw
      Object body = item.getParenthesedStatement();
      if (body instanceof Select select) {
        select(select, parent);
      } else if (body instanceof ParenthesedInsert insert) {
        statement(insert.getInsert(), parent);
      } else if (body instanceof ParenthesedUpdate update) {
        statement(update.getUpdate(), parent);
      } else if (body instanceof ParenthesedDelete delete) {
        statement(delete.getDelete(), parent);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Queries

  private void select(Select select, Scope parent) {
    withItems(select.getWithItemsList(), parent);
    if (select instanceof PlainSelect plain) {
      plainSelect(plain, parent);
    } else if (select instanceof SetOperationList setOps) {
      for (Select branch : setOps.getSelects()) {
        select(branch, parent);
      }
      orderBy(setOps.getOrderByElements(), new Scope(parent));
    } else if (select instanceof ParenthesedSelect parenthesed) {
      if (parenthesed.getSelect() != null) {
        select(parenthesed.getSelect(), parent);
      }
      orderBy(parenthesed.getOrderByElements(), new Scope(parent));
    } else if (select instanceof Values values) {
      subqueries(values.getExpressions(), parent == null ? new Scope(null) : parent);
    }
  }

  private void plainSelect(PlainSelect select, Scope parent) {
    Scope scope = new Scope(parent);
    // register every FROM source before reading anything, so qualifiers anywhere in the query resolve
    List<FromEntry> entries = new ArrayList<>();
    if (select.getFromItem() != null) {
      FromEntry first = register(select.getFromItem(), scope);
      entries.add(first);
      entries.addAll(registerJoins(select.getJoins(), scope, first.source));
    }
    if (select.getSelectItems() != null) {
      for (SelectItem<?> item : select.getSelectItems()) {
        Expression expr = item.getExpression();
        if (expr instanceof AllColumns && !(expr instanceof FunctionAllColumns)) {
          selectStar = true;
          outerSelectStar |= parent == null;
        } else if (expr != null) {
          subqueries(expr, scope);
          String alias = aliasName(item.getAlias());
          if (alias != null) {
            // null marks an alias of a computed value: ORDER BY on it sorts by no column
            scope.selectAliases.put(alias, unwrap(expr) instanceof Column column ? column : null);
          }
        }
      }
    }
    // tables of FROM items, derived tables and ON conditions, in text order after the select list
    for (FromEntry entry : entries) {
      complete(entry, scope);
    }
    condition(select.getWhere(), scope, false);
    condition(select.getHaving(), scope, false);
    orderBy(select.getOrderByElements(), scope);
    checkCrossJoin(scope);
  }

  /** A FROM item or join, registered in its scope; its table, subquery and ON condition are read by complete(). */
  private static final class FromEntry {
    final Source source;
    final String table;
    final Select derived;
    final FromItem other;
    final Join join;
    final Source previous;
    final List<FromEntry> nested;

    FromEntry(Source source, String table, Select derived, FromItem other, Join join, Source previous,
        List<FromEntry> nested) {
      this.source = source;
      this.table = table;
      this.derived = derived;
      this.other = other;
      this.join = join;
      this.previous = previous;
      this.nested = nested;
    }

    FromEntry withJoin(Join join, Source previous) {
      return new FromEntry(source, table, derived, other, join, previous, nested);
    }
  }

  private FromEntry register(FromItem item, Scope scope) {
    String alias = aliasName(item.getAlias());
    if (item instanceof Table table) {
      String name = identifier(table.getName());
      boolean cte = table.getSchemaName() == null && cteNames.contains(name);
      Source source = new Source(alias != null ? alias : name, cte ? null : name, scope);
      if (alias != null) {
        scope.add(source, alias);
        if (!cte) {
          aliasTable(alias, name);
        }
      }
      scope.add(source, name);
      return new FromEntry(source, cte ? null : name, null, null, null, null, List.of());
    } else if (item instanceof ParenthesedFromItem group) {
      // "(a join b on ...)": its sources belong to the enclosing query
      FromEntry first = register(group.getFromItem(), scope);
      List<FromEntry> nested = new ArrayList<>();
      nested.add(first);
      nested.addAll(registerJoins(group.getJoins(), scope, first.source));
      if (alias != null) {
        scope.add(first.source, alias);
      }
      return new FromEntry(first.source, null, null, null, null, null, nested);
    }
    Source source = new Source(alias, null, scope);
    if (alias != null) {
      scope.add(source, alias);
    } else {
      scope.sources.add(source);
    }
    if (item instanceof ParenthesedSelect derived) {
      return new FromEntry(source, null, derived, null, null, null, List.of());
    }
    // table functions, VALUES lists and the like: no table, but their arguments may hold subqueries
    return new FromEntry(source, null, null, item, null, null, List.of());
  }

  private List<FromEntry> registerJoins(List<Join> joins, Scope scope, Source first) {
    List<FromEntry> entries = new ArrayList<>();
    if (joins == null) {
      return entries;
    }
    Source previous = first;
    for (Join join : joins) {
      if (join.getRightItem() == null) {
        continue;
      }
      FromEntry entry = register(join.getRightItem(), scope).withJoin(join, previous);
      entries.add(entry);
      previous = entry.source;
    }
    return entries;
  }

  /** Registers and completes joins in one go (DML statements, where nothing sits between FROM and ON). */
  private void joins(List<Join> joins, Scope scope, Source first) {
    for (FromEntry entry : registerJoins(joins, scope, first)) {
      complete(entry, scope);
    }
  }

  private void complete(FromEntry entry, Scope scope) {
    if (entry.table != null) {
      tables.add(entry.table);
    }
    if (entry.derived != null) {
      select(entry.derived, scope);
    }
    if (entry.other instanceof TableFunction function) {
      subqueries(function.getParameters(), scope);
    } else if (entry.other instanceof Values values) {
      subqueries(values.getExpressions(), scope);
    }
    for (FromEntry nested : entry.nested) {
      complete(nested, scope);
    }
    Join join = entry.join;
    if (join == null) {
      return;
    }
    Collection<Expression> on = join.getOnExpressions();
    boolean hasOn = on != null && !on.isEmpty();
    boolean hasUsing = join.getUsingColumns() != null && !join.getUsingColumns().isEmpty();
    if (hasOn) {
      for (Expression expression : on) {
        scope.link(entry.source, joinCondition(expression, scope));
      }
    }
    if (hasUsing) {
      for (Column column : join.getUsingColumns()) {
        String name = identifier(column.getColumnName());
        joinColumns.add(new ColumnRef(entry.source.table, name));
        if (entry.previous != null) {
          joinColumns.add(new ColumnRef(entry.previous.table, name));
        }
      }
      scope.link(entry.source, entry.previous);
    }
    boolean lateral = join.getRightItem() instanceof LateralSubSelect || join.isApply();
    if (join.isNatural() || lateral) {
      scope.link(entry.source, entry.previous);
    }
    if (join.isCross() && !lateral) {
      crossJoin = true;
    } else if (join.isSimple()) {
      scope.commaJoined.add(entry.source);
    } else if (!hasOn && !hasUsing && !join.isNatural() && !lateral) {
      // MySQL accepts a bare "JOIN t" without ON: a cartesian product
      crossJoin = true;
    }
  }

  /** Reads a JOIN ... ON (or MERGE ... ON) condition; returns a source it links to, if any. */
  private Source joinCondition(Expression expression, Scope scope) {
    Collector collector = collect(expression);
    Source linked = null;
    for (Column column : collector.columns) {
      Resolved resolved = resolve(column, scope);
      joinColumns.add(resolved.ref);
      if (resolved.source != null && resolved.source.scope == scope) {
        if (linked == null) {
          linked = resolved.source;
        } else {
          scope.link(linked, resolved.source);
        }
      }
    }
    for (Select sub : collector.subqueries) {
      select(sub, scope);
    }
    return linked;
  }

  private void checkCrossJoin(Scope scope) {
    if (scope.commaJoined.isEmpty() || scope.unknownLink || scope.sources.isEmpty()) {
      return;
    }
    Source first = scope.sources.get(0);
    for (Source joined : scope.commaJoined) {
      if (!scope.connected(first, joined)) {
        crossJoin = true;
      }
    }
  }

  private void orderBy(List<OrderByElement> elements, Scope scope) {
    if (elements == null) {
      return;
    }
    for (OrderByElement element : elements) {
      if (!(unwrap(element.getExpression()) instanceof Column column) || isPseudoColumn(column)) {
        continue;
      }
      if (column.getTable() == null || column.getTable().getName() == null) {
        String name = identifier(column.getColumnName());
        if (scope.selectAliases.containsKey(name)) {
          Column aliased = scope.selectAliases.get(name);
          if (aliased == null) {
            continue;
          }
          column = aliased;
        }
      }
      orderBy.add(new SortKey(resolve(column, scope).ref, !element.isAsc()));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Conditions

  private void condition(Expression e, Scope scope, boolean negated) {
    if (e == null) {
      return;
    }
    if (e instanceof AndExpression || e instanceof OrExpression || e instanceof XorExpression) {
      BinaryExpression b = (BinaryExpression) e;
      condition(b.getLeftExpression(), scope, negated);
      condition(b.getRightExpression(), scope, negated);
    } else if (e instanceof NotExpression not) {
      condition(not.getExpression(), scope, !negated);
    } else if (e instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
      condition(list.get(0), scope, negated);
    } else if (e instanceof InExpression in) {
      Expression repaired = repairIn(in);
      if (repaired != in) {
        condition(repaired, scope, negated);
      } else {
        in(in, scope, negated);
      }
    } else if (e instanceof EqualsTo eq) {
      comparison(eq, equalsOperator(eq.getRightExpression()), negated, scope);
    } else if (e instanceof NotEqualsTo ne) {
      comparison(ne, equalsOperator(ne.getRightExpression()), !negated, scope);
    } else if (e instanceof GreaterThan || e instanceof GreaterThanEquals || e instanceof MinorThan
        || e instanceof MinorThanEquals) {
      comparison((BinaryExpression) e, Operator.RANGE, negated, scope);
    } else if (e instanceof Between between) {
      Leaf leaf = new Leaf(scope);
      leaf.side(between.getLeftExpression(), Operator.RANGE);
      leaf.side(between.getBetweenExpressionStart(), Operator.RANGE);
      leaf.side(between.getBetweenExpressionEnd(), Operator.RANGE);
      leaf.finish(negated ^ between.isNot());
    } else if (e instanceof IsNullExpression isNull) {
      Leaf leaf = new Leaf(scope);
      leaf.side(isNull.getLeftExpression(), Operator.EQUALITY);
      leaf.finish(negated ^ isNull.isNot());
    } else if (e instanceof LikeExpression like) {
      Operator op =
          switch (like.getLikeKeyWord() == null ? LikeExpression.KeyWord.LIKE : like.getLikeKeyWord()) {
            case LIKE, ILIKE, SIMILAR_TO -> Operator.LIKE;
            default -> Operator.OTHER;
          };
      Leaf leaf = new Leaf(scope);
      leaf.leadingWildcard = op == Operator.LIKE && leadingWildcard(like.getRightExpression());
      leaf.side(like.getLeftExpression(), op);
      leaf.side(like.getRightExpression(), Operator.OTHER);
      leaf.finish(negated ^ like.isNot());
    } else if (e instanceof SimilarToExpression similar) {
      Leaf leaf = new Leaf(scope);
      leaf.side(similar.getLeftExpression(), Operator.LIKE);
      leaf.side(similar.getRightExpression(), Operator.OTHER);
      leaf.finish(negated ^ similar.isNot());
    } else if (e instanceof ExistsExpression exists) {
      subqueries(exists.getRightExpression(), scope);
    } else if (e instanceof BinaryExpression binary) {
      // JSON, regex, containment, IS DISTINCT FROM, ... operators
      comparison(binary, Operator.OTHER, negated, scope);
    } else {
      // a bare boolean column ("where active") reads like "active = true"
      Leaf leaf = new Leaf(scope);
      leaf.side(e, unwrap(e) instanceof Column ? Operator.EQUALITY : Operator.OTHER);
      leaf.finish(negated);
    }
  }

  /** {@code = ANY(?)} and {@code = SOME(...)} test set membership; {@code = ALL(...)} does not. */
  private static Operator equalsOperator(Expression right) {
    Expression r = unwrap(right);
    if (r instanceof Function f && f.getName() != null) {
      String name = f.getName().toLowerCase(Locale.ROOT);
      if (name.equals("any") || name.equals("some")) {
        return Operator.IN;
      }
      if (name.equals("all")) {
        return Operator.OTHER;
      }
    }
    if (r instanceof AnyComparisonExpression any) {
      return any.getAnyType() == AnyType.ALL ? Operator.OTHER : Operator.IN;
    }
    return Operator.EQUALITY;
  }

  private void comparison(BinaryExpression b, Operator op, boolean negated, Scope scope) {
    Leaf leaf = new Leaf(scope);
    leaf.side(b.getLeftExpression(), op);
    leaf.side(b.getRightExpression(), op);
    // "a.x = b.y" across two sources is a join written in WHERE
    if (op == Operator.EQUALITY && !negated && leaf.plain.size() == 2 && leaf.wrapped.isEmpty()) {
      Resolved left = leaf.plain.get(0);
      Resolved right = leaf.plain.get(1);
      if (differentSources(left, right, scope)) {
        joinColumns.add(left.ref);
        joinColumns.add(right.ref);
        leaf.linkSources();
        leaf.walkSubqueries();
        return;
      }
    }
    if (leaf.plain.size() == 2 && leaf.wrapped.isEmpty()) {
      // two columns of one row compared with each other: no value to look up
      leaf.plainOperator = Operator.OTHER;
    }
    leaf.finish(negated);
  }

  private boolean differentSources(Resolved a, Resolved b, Scope scope) {
    if (a.source != null && b.source != null) {
      return a.source != b.source;
    }
    if (a.qualifier != null && b.qualifier != null) {
      return !a.qualifier.equals(b.qualifier);
    }
    Scope innermost = scope.innermostWithSources();
    return innermost != null && innermost.sources.size() > 1;
  }

  private void in(InExpression in, Scope scope, boolean negated) {
    Expression right = unwrap(in.getRightExpression());
    Operator op;
    if (right instanceof Select) {
      op = Operator.IN;
    } else if (in.getRightExpression() instanceof ExpressionList<?> list) {
      op = list.size() >= 2 ? Operator.IN : list.size() == 1 ? Operator.EQUALITY : Operator.OTHER;
    } else {
      // "in ?" or "in unnest(?)": a set-valued argument
      op = Operator.IN;
    }
    Leaf leaf = new Leaf(scope);
    Expression left = in.getLeftExpression();
    if (left instanceof ParenthesedExpressionList<?> tuple && tuple.size() > 1) {
      for (Expression element : tuple) {
        leaf.side(element, op);
      }
    } else {
      leaf.side(left, op);
    }
    leaf.side(in.getRightExpression(), Operator.OTHER);
    leaf.finish(negated ^ in.isNot());
  }

  /**
   * JSqlParser 5.3 parses {@code a IN (1, 2) AND b = ?} as {@code a IN ((1, 2) AND b = ?)} (JSqlParser issue #2244,
   * fixed after 5.3). Rebuilds the intended tree: the leftmost operand of the AND/OR chain on the right is the real IN
   * list; the rest of the chain applies to the whole IN predicate.
   */
  static Expression repairIn(InExpression in) {
    Expression right = in.getRightExpression();
    if (!isLogical(right)) {
      return in;
    }
    BinaryExpression innermost = (BinaryExpression) right;
    while (isLogical(innermost.getLeftExpression())) {
      innermost = (BinaryExpression) innermost.getLeftExpression();
    }
    InExpression fixed = new InExpression(in.getLeftExpression(), innermost.getLeftExpression());
    fixed.setNot(in.isNot());
    innermost.setLeftExpression(fixed);
    return right;
  }

  private static boolean isLogical(Expression e) {
    return e instanceof AndExpression || e instanceof OrExpression || e instanceof XorExpression;
  }

  private static boolean leadingWildcard(Expression pattern) {
    Expression p = unwrap(pattern);
    while (true) {
      if (p instanceof StringValue s) {
        String v = s.getValue();
        return v != null && (v.startsWith("%") || v.startsWith("_"));
      } else if (p instanceof Concat concat) {
        p = unwrap(concat.getLeftExpression());
      } else if (p instanceof Function f
          && f.getName() != null
          && f.getName().equalsIgnoreCase("concat")
          && f.getParameters() != null
          && !f.getParameters().isEmpty()) {
        p = unwrap(f.getParameters().get(0));
      } else {
        return false;
      }
    }
  }

  /** The columns of one leaf condition, the operator each gets, and its subqueries. */
  private final class Leaf {
    final Scope scope;
    final List<Resolved> plain = new ArrayList<>();
    final List<Operator> plainOps = new ArrayList<>();
    final List<Resolved> wrapped = new ArrayList<>();
    final List<Operator> wrappedOps = new ArrayList<>();
    final List<Select> subqueries = new ArrayList<>();
    Operator plainOperator;
    boolean leadingWildcard;

    Leaf(Scope scope) {
      this.scope = scope;
    }

    void side(Expression e, Operator op) {
      if (e == null) {
        return;
      }
      Expression u = unwrap(e);
      if (u instanceof Column column) {
        if (!isPseudoColumn(column)) {
          plain.add(resolve(column, scope));
          plainOps.add(op);
        }
        return;
      }
      Collector collector = collect(u);
      for (Column column : collector.columns) {
        wrapped.add(resolve(column, scope));
        wrappedOps.add(op);
      }
      subqueries.addAll(collector.subqueries);
    }

    void finish(boolean negated) {
      for (int i = 0; i < plain.size(); i++) {
        Operator op = plainOperator != null ? plainOperator : plainOps.get(i);
        predicates.add(new Predicate(plain.get(i).ref, effective(op, negated), false, leadingWildcard));
      }
      for (int i = 0; i < wrapped.size(); i++) {
        predicates.add(new Predicate(wrapped.get(i).ref, effective(wrappedOps.get(i), negated), true, false));
      }
      linkSources();
      walkSubqueries();
    }

    /** Any condition tying columns of two FROM sources of one query joins them (for the cross-join check). */
    void linkSources() {
      Source first = null;
      boolean unknown = false;
      int columns = plain.size() + wrapped.size();
      List<Resolved> all = new ArrayList<>(plain);
      all.addAll(wrapped);
      for (Resolved r : all) {
        if (r.source == null) {
          unknown = true;
        } else if (r.source.scope != null) {
          if (first == null) {
            first = r.source;
          } else if (first.scope == r.source.scope) {
            first.scope.link(first, r.source);
          }
        }
      }
      if (unknown && columns >= 2) {
        scope.unknownLink = true;
      }
    }

    void walkSubqueries() {
      for (Select sub : subqueries) {
        select(sub, scope);
      }
      subqueries.clear();
    }
  }

  /** Negating a range keeps a range ({@code NOT a > ?} is {@code a <= ?}); any other negation loses the lookup. */
  private static Operator effective(Operator op, boolean negated) {
    if (!negated || op == Operator.RANGE) {
      return op;
    }
    return Operator.OTHER;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Columns

  private record Resolved(Source source, String qualifier, ColumnRef ref) {}

  private Resolved resolve(Column column, Scope scope) {
    String name = identifier(column.getColumnName());
    Table qualifierTable = column.getTable();
    String qualifier =
        qualifierTable == null || qualifierTable.getName() == null ? null : identifier(qualifierTable.getName());
    if (qualifier != null && !qualifier.isEmpty()) {
      for (Scope s = scope; s != null; s = s.parent) {
        Source source = s.byName.get(qualifier);
        if (source != null) {
          return new Resolved(source, qualifier, new ColumnRef(source.table, name));
        }
      }
      return new Resolved(null, qualifier, new ColumnRef(null, name));
    }
    Scope innermost = scope == null ? null : scope.innermostWithSources();
    if (innermost != null && innermost.sources.size() == 1) {
      Source only = innermost.sources.get(0);
      return new Resolved(only, null, new ColumnRef(only.table, name));
    }
    return new Resolved(null, null, new ColumnRef(null, name));
  }

  private static boolean isPseudoColumn(Column column) {
    return (column.getTable() == null || column.getTable().getName() == null)
        && PSEUDO_COLUMNS.contains(identifier(column.getColumnName()));
  }

  /** Collects the columns of an expression and the subqueries in it, without descending into the subqueries. */
  private static final class Collector extends ExpressionVisitorAdapter<Void> {
    final List<Column> columns = new ArrayList<>();
    final List<Select> subqueries = new ArrayList<>();

    @Override
    public <S> Void visit(Column column, S context) {
      if (!isPseudoColumn(column)) {
        columns.add(column);
      }
      return null;
    }

    @Override
    public <S> Void visit(ParenthesedSelect select, S context) {
      subqueries.add(select);
      return null;
    }

    @Override
    public <S> Void visit(Select select, S context) {
      subqueries.add(select);
      return null;
    }
  }

  private static Collector collect(Expression e) {
    Collector collector = new Collector();
    if (e != null) {
      e.accept(collector, null);
    }
    return collector;
  }

  /** Walks the subqueries inside an expression (select list, SET values, VALUES rows). */
  private void subqueries(Expression e, Scope scope) {
    if (e == null) {
      return;
    }
    for (Select sub : collect(e).subqueries) {
      select(sub, scope);
    }
  }

  /** Strips parentheses around a single expression (JSqlParser 5 parses them as one-element lists). */
  private static Expression unwrap(Expression e) {
    while (true) {
      if (e instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
        e = list.get(0);
      } else {
        return e;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // LIMIT / OFFSET

  private enum Clause {
    LIMIT,
    LIMIT_OFFSET,
    OFFSET,
    FETCH,
    TOP
  }

  private void bounds(Statement st) {
    if (st instanceof Select select) {
      Select s = select;
      // "(select ... limit 5)" carries its bounds inside the parentheses
      while (s instanceof ParenthesedSelect p
          && p.getLimit() == null
          && p.getOffset() == null
          && p.getFetch() == null
          && p.getSelect() != null) {
        s = p.getSelect();
      }
      limit(s.getLimit());
      Offset off = s.getOffset();
      if (off != null) {
        offset = bound(off.getOffset(), Clause.OFFSET);
      }
      Fetch fetch = s.getFetch();
      if (fetch != null && !limit.present()) {
        limit = bound(fetch.getExpression(), Clause.FETCH);
      }
      if (s instanceof PlainSelect plain && plain.getTop() != null && !limit.present()) {
        limit = bound(plain.getTop().getExpression(), Clause.TOP);
      }
    } else if (st instanceof Update update) {
      limit(update.getLimit());
    } else if (st instanceof Delete delete) {
      limit(delete.getLimit());
    }
  }

  private void limit(Limit l) {
    if (l == null) {
      return;
    }
    if (l.getRowCount() != null) {
      limit = bound(l.getRowCount(), Clause.LIMIT);
    }
    if (l.getOffset() != null) {
      offset = bound(l.getOffset(), Clause.LIMIT_OFFSET);
    }
  }

  private Bound bound(Expression e, Clause clause) {
    Expression v = unwrap(e);
    if (v instanceof CastExpression cast) {
      v = unwrap(cast.getLeftExpression());
    }
    if (v instanceof LongValue number) {
      try {
        return Bound.literal(number.getValue());
      } catch (RuntimeException tooBig) {
        return Bound.NONE;
      }
    }
    if (v instanceof JdbcParameter parameter) {
      return Bound.parameter(markerIndex(parameter, clause));
    }
    return Bound.NONE;
  }

  /**
   * The 0-based position of a bind marker among all {@code ?} of the text. JSqlParser numbers plain {@code ?} from 1
   * in the order it consumes them, which is text order; that is trusted only when it numbered exactly as many markers
   * as the lexer sees. Otherwise the marker after the clause's keyword is located lexically.
   */
  private int markerIndex(JdbcParameter parameter, Clause clause) {
    Integer index = parameter.getIndex();
    int count = markerPositions.size();
    if (!parameter.isUseFixedIndex() && index != null && parserMarkerCount == count && index >= 1 && index <= count) {
      return index - 1;
    }
    int lexical = lexicalMarkerIndex(clause);
    if (lexical >= 0) {
      return lexical;
    }
    return index == null ? -1 : Math.max(-1, Math.min(index - 1, count - 1));
  }

  /** Finds the marker following the last {@code clause} keyword at the shallowest nesting depth it occurs. */
  private int lexicalMarkerIndex(Clause clause) {
    int bestDepth = Integer.MAX_VALUE;
    int best = -1;
    int depth = 0;
    int markersSeen = 0;
    for (int i = 0; i < tokens.size(); i++) {
      SqlLexer.Token t = tokens.get(i);
      if (t.isPunct('(')) {
        depth++;
      } else if (t.isPunct(')')) {
        depth--;
      } else if (t.type() == SqlLexer.Type.MARKER) {
        markersSeen++;
      } else if (t.type() == SqlLexer.Type.WORD && depth <= bestDepth) {
        int found = markerAfterKeyword(i, clause);
        if (found >= 0) {
          bestDepth = depth;
          best = markersSeen + found;
        }
      }
    }
    return best;
  }

  /** How many markers after the keyword at {@code i} the clause's marker is (0 = the next one), or -1. */
  private int markerAfterKeyword(int i, Clause clause) {
    SqlLexer.Token t = tokens.get(i);
    int j = i + 1;
    switch (clause) {
      case LIMIT, LIMIT_OFFSET -> {
        if (!t.isWord("limit") || !isMarker(j)) {
          return -1;
        }
        boolean mysqlPair = j + 1 < tokens.size() && tokens.get(j + 1).isPunct(',') && isMarker(j + 2);
        if (clause == Clause.LIMIT_OFFSET) {
          return mysqlPair ? 0 : -1;
        }
        return mysqlPair ? 1 : 0;
      }
      case OFFSET -> {
        return t.isWord("offset") && isMarker(j) ? 0 : -1;
      }
      case FETCH -> {
        if (!t.isWord("fetch")) {
          return -1;
        }
        if (j < tokens.size() && (tokens.get(j).isWord("first") || tokens.get(j).isWord("next"))) {
          j++;
        }
        return isMarker(j) ? 0 : -1;
      }
      case TOP -> {
        if (!t.isWord("top")) {
          return -1;
        }
        if (j < tokens.size() && tokens.get(j).isPunct('(')) {
          j++;
        }
        return isMarker(j) ? 0 : -1;
      }
      default -> {
        return -1;
      }
    }
  }

  private boolean isMarker(int i) {
    return i < tokens.size() && tokens.get(i).type() == SqlLexer.Type.MARKER;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Names and scopes

  /** Lower case, without {@code "..."}, backtick or {@code [...]} quotes; null stays null. */
  static String identifier(String raw) {
    if (raw == null) {
      return null;
    }
    String s = raw.trim();
    if (s.length() >= 2) {
      char first = s.charAt(0);
      char last = s.charAt(s.length() - 1);
      if ((first == '"' && last == '"') || (first == '`' && last == '`') || (first == '[' && last == ']')) {
        s = s.substring(1, s.length() - 1);
      }
    }
    return s.toLowerCase(Locale.ROOT);
  }

  private static String aliasName(Alias alias) {
    if (alias == null || alias.getName() == null || alias.getName().isBlank()) {
      return null;
    }
    return identifier(alias.getName());
  }

  /** A FROM source: a table (with its name) or a derived table, CTE or function (table null). */
  private static final class Source {
    final String name;
    final String table;
    final Scope scope;

    Source(String name, String table, Scope scope) {
      this.name = name;
      this.table = table;
      this.scope = scope;
    }
  }

  /** The sources of one query level, with the links its conditions make between them. */
  private static final class Scope {
    final Scope parent;
    final List<Source> sources = new ArrayList<>();
    final Map<String, Source> byName = new HashMap<>();
    final Map<String, Column> selectAliases = new HashMap<>();
    final List<Source> commaJoined = new ArrayList<>();
    final Map<Source, Source> unionFind = new IdentityHashMap<>();
    boolean unknownLink;

    Scope(Scope parent) {
      this.parent = parent;
    }

    void add(Source source, String name) {
      if (!sources.contains(source)) {
        sources.add(source);
      }
      if (name != null) {
        byName.putIfAbsent(name, source);
      }
    }

    Scope innermostWithSources() {
      for (Scope s = this; s != null; s = s.parent) {
        if (!s.sources.isEmpty()) {
          return s;
        }
      }
      return null;
    }

    private Source root(Source s) {
      Source r = s;
      while (unionFind.containsKey(r) && unionFind.get(r) != r) {
        r = unionFind.get(r);
      }
      return r;
    }

    void link(Source a, Source b) {
      if (a == null || b == null || a.scope != this || b.scope != this) {
        return;
      }
      Source ra = root(a);
      Source rb = root(b);
      if (ra != rb) {
        unionFind.put(ra, rb);
      }
    }

    boolean connected(Source a, Source b) {
      return root(a) == root(b);
    }
  }
}
