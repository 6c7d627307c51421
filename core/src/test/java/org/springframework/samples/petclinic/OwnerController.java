package org.springframework.samples.petclinic;

/** An application class whose package starts like a framework's (Spring's own sample application does this). */
public class OwnerController {

  public String showOwner() {
    return "owner";
  }
}
