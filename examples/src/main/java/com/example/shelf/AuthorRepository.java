package com.example.shelf;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface AuthorRepository extends JpaRepository<Author, Long> {

  /** Authors with their books in one query. */
  @Query("select distinct a from Author a left join fetch a.books order by a.id")
  List<Author> findAllWithBooks();
}
