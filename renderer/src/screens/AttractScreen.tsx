export function AttractScreen() {
  return (
    <section className="screen attract" aria-labelledby="attract-title">
      <h1 id="attract-title">Swipe or tap your campus ID</h1>
      <p className="lead">Pay library fines and fees here.</p>
    </section>
  )
}
